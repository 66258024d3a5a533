import type { Services } from '../container';
import type { Caller } from '../owners/owner.service';

/** What every resolver gets: the authenticated caller and the one service layer. */
export interface GraphQLContext {
  caller: Caller;
  services: Services;
}
