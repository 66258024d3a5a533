/** Strict readers of query parameters and path ids: a bad value is a 400 naming the parameter. */
import type { Request } from 'express';
import { BadRequestError } from '../shared/errors';

export function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new BadRequestError(`Query parameter ${name} must be given once, as a plain value.`, [
      { field: name, message: 'must be a single value' },
    ]);
  }
  return value;
}

export function queryInt(req: Request, name: string): number | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) {
    throw new BadRequestError(`Query parameter ${name} must be a whole number.`, [
      { field: name, message: 'must be a whole number' },
    ]);
  }
  return Number(value);
}

/** The `:name` path parameter as a string (express 5 types allow arrays for wildcards). */
export function pathParam(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
