import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, NotContains } from 'class-validator';

/** Input of `POST /api/v1/connections` and the `connect` mutation. */
export class ConnectDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(63)
  connectorSlug: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  // PostgreSQL text cannot hold a NUL byte: refused here rather than failing in SQL.
  @NotContains('\u0000', { message: 'label must not contain NUL characters' })
  label?: string | null;

  /**
   * The connector's per-connection config (`connectionConfig`): string values, checked against the
   * fields by the service (each problem named `config.<key>`).
   */
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  /** OAuth only: where to send the browser after the callback (same origin or allow-listed). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string | null;
}
