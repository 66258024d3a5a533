/**
 * The browser bundles the docs pages load, each resolved inside its npm package and served as one
 * exact file (never a folder, never a path the request chooses). URLs carry the package version,
 * so the files can be cached for a year and an upgrade changes the URL.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface VendorFile {
  /** The URL path a page loads it from, e.g. /docs/vendor/swagger-ui-dist@5.35.0/swagger-ui.css */
  url: string;
  /** Absolute path on disk. */
  file: string;
}

function vendorFile(mount: string, name: string, relative: string): VendorFile {
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  const file = path.join(path.dirname(manifest), relative);
  if (!fs.existsSync(file)) throw new Error(`docs: ${name}@${version} has no ${relative}`);
  return { url: `${mount}/vendor/${name}@${version}/${path.basename(relative)}`, file };
}

export interface DocsVendor {
  /** /docs: Swagger UI's self-contained bundle and its stylesheet. */
  reference: { script: VendorFile; style: VendorFile };
  /** /graphiql: React 18's UMD builds (graphiql 3's UMD bundle takes them as globals), then GraphiQL. */
  graphiql: { react: VendorFile; reactDom: VendorFile; script: VendorFile; style: VendorFile };
}

/** Resolves every file once; throws at start if a package or file is missing. */
export function resolveDocsVendor(): DocsVendor {
  return {
    reference: {
      script: vendorFile('/docs', 'swagger-ui-dist', 'swagger-ui-bundle.js'),
      style: vendorFile('/docs', 'swagger-ui-dist', 'swagger-ui.css'),
    },
    graphiql: {
      react: vendorFile('/graphiql', 'react', 'umd/react.production.min.js'),
      reactDom: vendorFile('/graphiql', 'react-dom', 'umd/react-dom.production.min.js'),
      script: vendorFile('/graphiql', 'graphiql', 'graphiql.min.js'),
      style: vendorFile('/graphiql', 'graphiql', 'graphiql.min.css'),
    },
  };
}
