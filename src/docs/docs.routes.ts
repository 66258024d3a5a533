/**
 * The docs pages a person opens in a browser, no API key needed for the pages themselves:
 * GET /docs (Swagger UI over /api/v1/openapi.json) and GET /graphiql (GraphiQL on /graphql, where
 * the caller's Bearer key goes in the Headers tab). Mounted only when DOCS_ENABLED (off by default
 * in production); otherwise these paths fall through to the 404.
 *
 * Each page gets its own Content-Security-Policy, replacing helmet's default for that response
 * only: scripts, styles and fetches from 'self' alone; data: for the images and fonts the
 * packages' stylesheets embed. No 'unsafe-inline', no nonce: nothing on the pages is inline.
 */
import { Router, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import { DOCS_ASSETS, graphiqlPage, referencePage } from './pages';
import { resolveDocsVendor, type VendorFile } from './vendor';

const PAGE_CSP = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
  },
});

/** A year, immutable: vendor URLs carry the package version. */
const VENDOR_CACHE = 'public, max-age=31536000, immutable';
/** The pages and their own small files change with a deploy: revalidate every time. */
const OWN_CACHE = 'no-cache';

function sendPage(html: string): RequestHandler[] {
  return [
    PAGE_CSP,
    (_req, res) => {
      res.setHeader('Cache-Control', OWN_CACHE);
      res.type('html').send(html);
    },
  ];
}

function sendFile(file: string, cacheControl: string): RequestHandler {
  return (_req, res: Response, next) => {
    // sendFile sets Content-Type from the extension; its own Cache-Control is turned off for ours.
    // The folder is the root, so a dot-folder above it (~/.apps/gateway) cannot trip the dotfile rule.
    res.setHeader('Cache-Control', cacheControl);
    res.sendFile(path.basename(file), { root: path.dirname(file), cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}

export function docsRoutes(): Router {
  const vendor = resolveDocsVendor();
  const router = Router();
  router.get('/docs', ...sendPage(referencePage(vendor)));
  router.get('/graphiql', ...sendPage(graphiqlPage(vendor)));

  const vendorFiles: VendorFile[] = [...Object.values(vendor.reference), ...Object.values(vendor.graphiql)];
  for (const { url, file } of vendorFiles) router.get(url, sendFile(file, VENDOR_CACHE));

  const own = path.join(__dirname, 'assets');
  router.get(DOCS_ASSETS.css, sendFile(path.join(own, 'docs.css'), OWN_CACHE));
  router.get(DOCS_ASSETS.reference, sendFile(path.join(own, 'reference.js'), OWN_CACHE));
  router.get(DOCS_ASSETS.graphiql, sendFile(path.join(own, 'graphiql.js'), OWN_CACHE));
  return router;
}
