import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const SESSION_TTL_DEFAULT_SECONDS = 900;
export const SESSION_TTL_MIN_SECONDS = 60;
export const SESSION_TTL_MAX_SECONDS = 3600;

/** Input of `POST /api/v1/sessions` and the `createSession` mutation. */
export class CreateSessionDto {
  /** Connector slugs the session may use (each must be in the catalog); absent: every connector. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(63, { each: true })
  allowedConnectors?: string[] | null;

  /** Lifetime of the session token, 60 to 3600 seconds (default 900). */
  @IsOptional()
  @IsInt()
  @Min(SESSION_TTL_MIN_SECONDS)
  @Max(SESSION_TTL_MAX_SECONDS)
  expiresInSeconds?: number | null;
}
