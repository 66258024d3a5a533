/**
 * The connect page's `pattern` attributes: browsers compile them with the RegExp `v` flag, so the
 * `u`-flag credential patterns of the catalog are rewritten where `v` reserves a character, and
 * must still accept exactly the same values.
 */
import fc from 'fast-check';
import { escapeClassesForVFlag, htmlPattern } from '../../src/connect-page/html-pattern';
import { builtinConnectors as readBuiltins } from '../../src/connectors/catalog.loader';

const builtinConnectors = readBuiltins();

const patterns = builtinConnectors.flatMap((connector) =>
  (connector.credentialFields ?? []).flatMap((field) => (field.pattern ? [field.pattern] : [])),
);

describe('htmlPattern', () => {
  it('escapes a literal dash that closes or opens a class, and keeps ranges', () => {
    expect(escapeClassesForVFlag('^sk-[A-Za-z0-9_-]{20,}$')).toBe('^sk-[A-Za-z0-9_\\-]{20,}$');
    expect(escapeClassesForVFlag('[-a-z]')).toBe('[\\-a-z]');
    expect(escapeClassesForVFlag('[^-x]')).toBe('[^\\-x]');
    expect(escapeClassesForVFlag('[a(b)|{}/]')).toBe('[a\\(b\\)\\|\\{\\}\\/]');
    expect(escapeClassesForVFlag('(a|b)-[\\]x]')).toBe('(a|b)-[\\]x]');
  });

  it('gives every built-in credential pattern a form that compiles under the v flag', () => {
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) expect(htmlPattern(pattern)).toBeDefined();
  });

  it('accepts exactly what the server accepts, for every built-in pattern', () => {
    const alphabet = 'skSK_-.ACacf019Zz re';
    const value = fc.oneof(
      fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 60 }),
      fc.string({ maxLength: 40 }),
    );
    for (const pattern of patterns) {
      const server = new RegExp(`^(?:${pattern})$`, 'u');
      const browser = new RegExp(`^(?:${htmlPattern(pattern)!})$`, 'v');
      fc.assert(
        fc.property(value, (s) => server.test(s) === browser.test(s)),
        { numRuns: 300 },
      );
    }
  });

  it('gives up (no attribute) on a pattern no rewrite makes valid under v', () => {
    expect(htmlPattern('[a!!b]')).toBeUndefined();
  });
});
