/**
 * Citations stay true. Code, tests and scripts may point a reader only at documents in the
 * repository (`docs/architecture.md#anchor`, `docs/security.md#anchor`, `README.md#anchor` or a
 * README heading by name, `openapi/openapi.yaml`), and every one of those must exist, anchor
 * included. Documents kept outside the repository (a contract's sections, a numbered list of
 * promises, a data file, an issue number) mean nothing to a reader of the code and are refused.
 * The docs keep their side too: their links and the repository paths they name exist, and every
 * test docs/security.md cites by file and name is still there.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCANNED_DIRS = ['src', 'test', 'bench', 'scripts'];
const SOURCE_EXTENSIONS = /\.(ts|js|mjs|cjs|sh)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'generated']);
const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((name) => `docs/${name}`)].filter(
  (file) => file.endsWith('.md'),
);

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(rel);
    return SOURCE_EXTENSIONS.test(entry.name) ? [rel] : [];
  });
}

/** The anchor GitHub gives a heading (github-slugger): lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface MarkdownDoc {
  headings: string[];
  anchors: Set<string>;
  text: string;
}

const docCache = new Map<string, MarkdownDoc | null>();

/** A markdown file of the repository, its headings (outside code blocks) and their anchors; null when absent. */
function markdown(rel: string): MarkdownDoc | null {
  if (docCache.has(rel)) return docCache.get(rel)!;
  const file = path.join(ROOT, rel);
  let doc: MarkdownDoc | null = null;
  if (fs.existsSync(file) && fs.statSync(file).isFile()) {
    const text = fs.readFileSync(file, 'utf8');
    const headings: string[] = [];
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    let fenced = false;
    for (const line of text.split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) continue;
      const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
      if (heading !== undefined) {
        headings.push(heading);
        const base = slug(heading);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        anchors.add(count === 0 ? base : `${base}-${count}`);
      }
      for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
    }
    doc = { headings, anchors, text };
  }
  docCache.set(rel, doc);
  return doc;
}

/** What is wrong with a citation of `target` (a repository path, maybe with #anchor); undefined when it holds. */
function checkTarget(target: string): string | undefined {
  const [file, anchor] = target.split('#') as [string, string | undefined];
  if (!fs.existsSync(path.join(ROOT, file))) return `${file} is not in the repository`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  const doc = markdown(file);
  if (!doc?.anchors.has(anchor)) return `${file} has no heading with the anchor #${anchor}`;
  return undefined;
}

/** Documents that live outside the repository, by the way code used to cite them. */
const OUTSIDE = [
  {
    pattern: /contract §\s*\d+/g,
    why: 'the contract is not in the repository: cite docs/, the README or openapi/',
  },
  { pattern: /\bissue \d+/gi, why: 'an issue number means nothing to a reader: say what the code does' },
  { pattern: /providers\.json/g, why: 'the provider facts file is not in the repository' },
  { pattern: /stack-notes/g, why: 'the stack notes are not in the repository' },
];

describe('citations in src/, test/, bench/ and scripts/', () => {
  const files = SCANNED_DIRS.flatMap(walk).filter((rel) => path.join(ROOT, rel) !== __filename);
  const sources = files.map((rel) => ({
    rel,
    lines: fs.readFileSync(path.join(ROOT, rel), 'utf8').split('\n'),
  }));

  it('scans the code', () => {
    expect(files).toEqual(expect.arrayContaining(['src/main.ts', 'src/app.ts']));
  });

  it('point only at documents in the repository, and at anchors those documents have', () => {
    const problems: string[] = [];
    for (const { rel, lines } of sources) {
      lines.forEach((line, index) => {
        const at = `${rel}:${index + 1}`;
        // A path ending in .md, relative to the repository root (a leading ../ is what a test's import would need).
        for (const m of line.matchAll(
          /(?<![\w/.-])(?:\.\.\/)*((?:[\w-]+\/)*[\w.-]+\.md)(#[\w-]+)?(?![\w])/g,
        )) {
          const problem = checkTarget(`${m[1]!}${m[2] ?? ''}`);
          if (problem) problems.push(`${at}: ${m[0]}: ${problem}`);
        }
        // README "Section": a heading of the README, by its text.
        for (const m of line.matchAll(/README "([^"]+)"/g)) {
          if (!markdown('README.md')!.headings.some((h) => h.replace(/`/g, '') === m[1])) {
            problems.push(`${at}: README "${m[1]!}": the README has no such heading`);
          }
        }
        for (const { pattern, why } of OUTSIDE) {
          for (const m of line.matchAll(pattern)) problems.push(`${at}: "${m[0]}": ${why}`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('recognises each kind of broken citation (the checks above can fail)', () => {
    expect(checkTarget('docs/security.md#tenant-isolation')).toBeUndefined();
    expect(checkTarget('docs/architecture.md#one-request-both-doors')).toBeUndefined();
    expect(checkTarget('README.md#security-promises-that-hold-today')).toBeUndefined();
    expect(checkTarget('openapi/openapi.yaml')).toBeUndefined();
    expect(checkTarget('security.md')).toMatch(/not in the repository/);
    expect(checkTarget('docs/security.md#promise-7')).toMatch(/no heading with the anchor/);
    expect(
      OUTSIDE.filter(({ pattern }) => new RegExp(pattern.source, pattern.flags).test('(contract §5)')),
    ).toHaveLength(1);
  });
});

describe('the docs', () => {
  it.each(DOCS)('%s: every relative link and every repository path it names exists', (rel) => {
    const doc = markdown(rel)!;
    const dir = path.posix.dirname(rel);
    const problems: string[] = [];
    for (const m of doc.text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/i.test(link)) continue; // http:, https:, mailto:
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? rel : path.posix.normalize(path.posix.join(dir, file));
      const problem = checkTarget(anchor === undefined ? target : `${target}#${anchor}`);
      if (problem) problems.push(`(${link}): ${problem}`);
    }
    // Backticked repository paths (`src/…`, `test/…`), globs and placeholders aside.
    for (const m of doc.text.matchAll(
      /`((?:src|test|schema|openapi|scripts|bench|docs|examples)\/[^`\s]*)`/g,
    )) {
      const named = m[1]!;
      if (/[*<>…]/.test(named)) continue;
      const problem = checkTarget(named);
      if (problem) problems.push(`\`${named}\`: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('docs/security.md cites tests that exist, by file and name', () => {
    const text = markdown('docs/security.md')!.text;
    // A bullet `- \`test/…test.ts\`: “name”, “name”` may wrap over indented lines.
    const bullets = text
      .split(/\n(?=\S)/)
      .flatMap((block) => block.split(/\n(?=- )/))
      .filter((bullet) => /^- `test\//.test(bullet));
    expect(bullets.length).toBeGreaterThanOrEqual(18);
    const problems: string[] = [];
    let names = 0;
    for (const bullet of bullets) {
      const flat = bullet.replace(/\n\s+/g, ' ');
      const file = /^- `([^`]+)`/.exec(flat)![1]!;
      const source = fs.existsSync(path.join(ROOT, file))
        ? fs.readFileSync(path.join(ROOT, file), 'utf8')
        : '';
      if (!source) problems.push(`${file} is not in the repository`);
      for (const m of flat.matchAll(/“([^”]+)”/g)) {
        names++;
        if (source && !source.includes(m[1]!)) problems.push(`${file} has no test named “${m[1]!}”`);
      }
    }
    expect(names).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('docs/security.md has a section for every promise of the README, in its order', () => {
    const readme = markdown('README.md')!.text;
    const section = readme.split(/^## Security promises that hold today$/m)[1]!.split(/^## /m)[0]!;
    const promises = [...section.matchAll(/^\d+\. \*\*(.+?)\*\*/gm)].map((m) => m[1]!.replace(/[.,]$/, ''));
    const sections = markdown('docs/security.md')!.headings.slice(1);
    expect(promises.length).toBeGreaterThan(0);
    expect(sections).toHaveLength(promises.length);
    // Each section is named by its promise's title, or the title's first words.
    sections.forEach((heading, index) => expect(promises[index]).toMatch(new RegExp(`^${escape(heading)}`)));
  });
});
