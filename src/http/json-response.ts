/**
 * How the app ends a response with JSON. express's res.json hands the text to res.send, which
 * copies any body of 1,000 characters or more into a Buffer and so writes the head and the body
 * as two chunks; a page of connections is several kilobytes. Here the ordinary answer (a status
 * with a body, not a HEAD, no conditional request) ends as one string: node counts its
 * Content-Length and writes head and body at once. Everything else still goes through
 * express's own res.json, unchanged: HEAD, 204/304, If-None-Match/If-Modified-Since, a
 * Content-Type without a charset set by the route, and a value that has no JSON text.
 */
import type { Express, Response } from 'express';

/** Whether a Content-Type already names its charset. */
export const NAMES_CHARSET = /;\s*charset=/i;

const JSON_TYPE = 'application/json; charset=utf-8';

export function endJsonInOneWrite(app: Express): void {
  const expressJson = app.response.json;
  app.response.json = function json(this: Response, body: unknown): Response {
    const { method, headers } = this.req;
    const status = this.statusCode;
    if (
      method === 'HEAD' ||
      status === 204 ||
      status === 304 ||
      headers['if-none-match'] !== undefined ||
      headers['if-modified-since'] !== undefined
    ) {
      return expressJson.call(this, body);
    }
    const type = this.getHeader('content-type');
    if (type !== undefined && (typeof type !== 'string' || !NAMES_CHARSET.test(type))) {
      return expressJson.call(this, body);
    }
    // The app sets no `json replacer`, `json spaces` or `json escape`: express would stringify the same.
    const text = JSON.stringify(body) as string | undefined;
    if (text === undefined) return expressJson.call(this, body);
    if (type === undefined) this.setHeader('content-type', JSON_TYPE);
    this.end(text);
    return this;
  };
}
