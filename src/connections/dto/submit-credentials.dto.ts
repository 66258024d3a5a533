import { IsObject } from 'class-validator';

/**
 * Input of `POST /api/v1/connections/:id/credentials` (and the `credentials` of the mutation).
 * The values are checked against the connector's credential fields by the service.
 */
export class SubmitCredentialsDto {
  @IsObject()
  credentials: Record<string, unknown>;
}
