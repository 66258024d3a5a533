/**
 * The two docs pages. Static HTML: every script and stylesheet is a file from the gateway itself
 * (no inline script, no inline style, no other host), so the pages' CSP can stay at 'self'.
 */
import { escapeHtml as attr, PAGE_HEAD_START } from '../http/page';
import type { DocsVendor } from './vendor';

export const OPENAPI_URL = '/api/v1/openapi.json';
export const GRAPHQL_URL = '/graphql';
/** The pages' own small files (served from src/docs/assets). */
export const DOCS_ASSETS = {
  css: '/docs/assets/docs.css',
  reference: '/docs/assets/reference.js',
  graphiql: '/graphiql/assets/graphiql.js',
};

function layout(options: {
  title: string;
  current: 'reference' | 'graphiql';
  styles: string[];
  body: string;
  scripts: string[];
}): string {
  const link = (href: string, label: string, page?: 'reference' | 'graphiql') =>
    `<a href="${attr(href)}"${page === options.current ? ' aria-current="page"' : ''}>${label}</a>`;
  return `${PAGE_HEAD_START}
    <title>${options.title} · Connections gateway</title>
    <link rel="icon" href="data:,">
${options.styles.map((href) => `    <link rel="stylesheet" href="${attr(href)}">`).join('\n')}
  </head>
  <body class="docs-${options.current}">
    <nav class="docs-nav" aria-label="Documentation">
      <span class="docs-brand">Connections gateway</span>
      ${link('/docs', 'REST API reference', 'reference')}
      ${link('/graphiql', 'GraphQL IDE', 'graphiql')}
      ${link(OPENAPI_URL, 'OpenAPI document (JSON)')}
    </nav>
${options.body}
${options.scripts.map((src) => `    <script src="${attr(src)}"></script>`).join('\n')}
  </body>
</html>
`;
}

/** GET /docs: Swagger UI over the gateway's OpenAPI document. */
export function referencePage(vendor: DocsVendor): string {
  return layout({
    title: 'REST API reference',
    current: 'reference',
    styles: [vendor.reference.style.url, DOCS_ASSETS.css],
    body: `    <main id="swagger-ui" data-openapi-url="${attr(OPENAPI_URL)}">
      <noscript><p class="docs-note">This page needs JavaScript. The raw document is at <a href="${attr(OPENAPI_URL)}">${OPENAPI_URL}</a>.</p></noscript>
    </main>`,
    scripts: [vendor.reference.script.url, DOCS_ASSETS.reference],
  });
}

/** GET /graphiql: GraphiQL on /graphql; the caller's key goes in the Headers tab, never stored. */
export function graphiqlPage(vendor: DocsVendor): string {
  return layout({
    title: 'GraphQL IDE',
    current: 'graphiql',
    styles: [vendor.graphiql.style.url, DOCS_ASSETS.css],
    body: `    <p class="docs-note">Put your API key in the <strong>Headers</strong> tab as
      <code>{"Authorization": "Bearer &lt;key&gt;"}</code>, then re-fetch the schema (the ↻ button, bottom left). The key is kept only in this tab.</p>
    <main id="graphiql" data-graphql-url="${attr(GRAPHQL_URL)}">
      <noscript><p class="docs-note">This page needs JavaScript.</p></noscript>
    </main>`,
    scripts: [
      vendor.graphiql.react.url,
      vendor.graphiql.reactDom.url,
      vendor.graphiql.script.url,
      DOCS_ASSETS.graphiql,
    ],
  });
}
