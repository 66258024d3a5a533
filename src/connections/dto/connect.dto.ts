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
}
