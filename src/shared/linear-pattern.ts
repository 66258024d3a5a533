/**
 * Operator-supplied patterns (a connector's `credentialFields[].pattern`) run on user input in
 * re2js, a linear-time engine: no pattern can make a value take more than time proportional to
 * its length (`(a+)+$` on thirty a's and a `!` would block a backtracking engine for seconds,
 * minutes a few characters later). re2js has no backreferences or lookaround; a pattern that
 * needs them is refused when the catalog loads (connector.validation.ts).
 */
import { RE2JS } from 're2js';

const cache = new Map<string, RE2JS>();

/** Compiles a pattern to match a whole value; throws (with re2js's reason) when it cannot run here. */
export function compileLinearPattern(pattern: string): RE2JS {
  let compiled = cache.get(pattern);
  if (!compiled) {
    // Anchored here so a definition's unanchored pattern still has to match the whole value.
    compiled = RE2JS.compile(`^(?:${pattern})$`);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Whether the whole value matches the pattern, in time linear in the value's length. */
export function matchesLinearPattern(pattern: string, value: string): boolean {
  return compileLinearPattern(pattern).test(value);
}
