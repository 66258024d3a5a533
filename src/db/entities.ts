import { Connection } from '../connections/connection.entity';
import { OAuthFlow } from '../oauth/oauth-flow.entity';
import { ApiKey } from '../owners/api-key.entity';
import { Owner } from '../owners/owner.entity';
import { BrowserSession } from '../sessions/browser-session.entity';
import { CacheInvalidation } from '../shared/cache/cache-invalidation.entity';

/** Every entity the data source knows; migrations are generated from these. */
export const entities = [Owner, ApiKey, Connection, OAuthFlow, BrowserSession, CacheInvalidation];
