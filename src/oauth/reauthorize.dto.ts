import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Input of `POST /api/v1/connections/:id/oauth` (the body may be empty). */
export class ReauthorizeDto {
  /** Where to send the browser after the callback (same origin as PUBLIC_URL or allow-listed). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string | null;
}
