/** `admin secrets reseal`: the one loop every table of sealed secrets goes through. */
import { CipherError, type Sealed } from './cipher';

export interface ResealOutcome {
  resealed: number;
  /** Ids of the rows whose secret no configured key opens; they are left as they are. */
  unreadable: string[];
}

/**
 * Lets `rewriteAll` visit every stored secret and replaces each with `reseal`'s answer: sealed
 * under the current key, or undefined when it already is. A secret no configured key opens is
 * left as it is and reported, so one bad row does not stop the rest.
 */
export async function resealEach(
  rewriteAll: (rewrite: (id: string, sealed: Sealed) => Sealed | undefined) => Promise<number>,
  reseal: (id: string, sealed: Sealed) => Sealed | undefined,
): Promise<ResealOutcome> {
  const unreadable: string[] = [];
  const resealed = await rewriteAll((id, sealed) => {
    try {
      return reseal(id, sealed);
    } catch (err) {
      if (!(err instanceof CipherError)) throw err;
      unreadable.push(id);
      return undefined;
    }
  });
  return { resealed, unreadable };
}
