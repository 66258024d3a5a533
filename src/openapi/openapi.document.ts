/**
 * The OpenAPI document of the REST API. `openapi/openapi.yaml` is the hand-written source of
 * truth; it is read and parsed once (on the first request for it, and once per test worker by the
 * response checker).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isPlainObject } from '../shared/validation';

export const OPENAPI_FILE = path.resolve(__dirname, '../../openapi/openapi.yaml');

export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

export function loadOpenApiDocument(file = OPENAPI_FILE): OpenApiDocument {
  const document: unknown = parse(fs.readFileSync(file, 'utf8'));
  if (!isPlainObject(document) || typeof document.openapi !== 'string' || !isPlainObject(document.paths)) {
    throw new Error(`${file} is not an OpenAPI document.`);
  }
  return document as OpenApiDocument;
}
