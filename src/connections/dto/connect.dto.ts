import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Input of `POST /api/v1/connections` and the `connect` mutation. */
export class ConnectDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  connectorSlug: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string | null;

  /** OAuth only: where to send the browser after the callback (same origin or allow-listed). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string | null;
}
