/**
 * Browsers compile an input's `pattern` with the RegExp `v` flag, which reserves more characters
 * inside character classes than the `u` flag our credential patterns are written for
 * (`[A-Za-z0-9_-]` is a syntax error under `v`, and the browser then ignores the pattern).
 */

/** Escapes, inside character classes, the literal characters the `v` flag reserves. */
export function escapeClassesForVFlag(pattern: string): string {
  let out = '';
  let inClass = false;
  let classStart = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (!inClass) {
      out += ch;
      if (ch === '[') {
        inClass = true;
        if (pattern[i + 1] === '^') {
          out += '^';
          i++;
        }
        classStart = out.length;
      }
    } else if (ch === ']') {
      inClass = false;
      out += ch;
    } else if (ch === '-') {
      // A dash is a range unless it opens or closes the class.
      out += out.length === classStart || pattern[i + 1] === ']' ? '\\-' : '-';
    } else {
      out += '()[{}/|'.includes(ch) ? `\\${ch}` : ch;
    }
  }
  return out;
}

/** The `pattern` attribute for a credential pattern, or undefined when no form of it compiles under `v`. */
export function htmlPattern(pattern: string): string | undefined {
  for (const candidate of [pattern, escapeClassesForVFlag(pattern)]) {
    try {
      new RegExp(`^(?:${candidate})$`, 'v');
      return candidate;
    } catch {
      // try the next form
    }
  }
  return undefined;
}
