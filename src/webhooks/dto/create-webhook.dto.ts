import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LIFECYCLE_EVENT_TYPES } from '../lifecycle-event';

/** Input of `POST /api/v1/webhooks`, the `createWebhookEndpoint` mutation and `admin webhooks add`. */
export class CreateWebhookDto {
  /** Where events are POSTed: an absolute http(s) URL (the service checks the scheme rules). */
  @IsString()
  @MaxLength(2048)
  url: string;

  /** The lifecycle event types to receive (a non-empty subset); absent or null: all of them. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIFECYCLE_EVENT_TYPES.length)
  @IsIn(LIFECYCLE_EVENT_TYPES, { each: true })
  eventTypes?: string[] | null;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}
