/**
 * The small, self-contained page a browser sees at the end of an OAuth handshake (or when a sign-in
 * link is no good). No scripts, no external assets; every interpolated value is escaped.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * How every server-rendered page begins (this one, the connect page, the docs pages): up to the
 * metadata they all share; each adds its own title, icon, styles and the rest of its head.
 */
export const PAGE_HEAD_START = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">`;

export interface PageContent {
  ok: boolean;
  title: string;
  lines: string[];
}

export function renderPage(content: PageContent): string {
  const accent = content.ok ? '#137333' : '#b3261e';
  const body = content.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n      ');
  return `${PAGE_HEAD_START}
    <title>${escapeHtml(content.title)}</title>
    <style>
      body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9; color: #1f2328; }
      main { max-width: 28rem; margin: 12vh auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
      h1 { font-size: 1.35rem; margin: 0 0 1rem; color: ${accent}; }
      p { margin: .5rem 0; }
    </style>
  </head>
  <body>
    <main role="main" aria-live="polite">
      <h1 data-outcome="${content.ok ? 'connected' : 'failed'}">${escapeHtml(content.title)}</h1>
      ${body}
    </main>
  </body>
</html>
`;
}
