/**
 * How `timestamptz` values become Dates. pg's own parser (postgres-date) runs a regular expression
 * and builds the Date field by field; a page of 20 connections carries about 80 timestamps, and
 * that parser was 5% of the hot path's CPU (README "Performance"). This one reads the layout
 * PostgreSQL sends with its default DateStyle (ISO) — `2026-03-01 01:00:00.123+00`, any
 * fraction, offsets `±HH` or `±HH:MM` — from character codes, and hands anything else (BC dates,
 * `infinity`, years before 1000, offsets with seconds, another DateStyle) to pg's parser, so
 * every value parses exactly as before.
 */
import { types } from 'pg';

const TIMESTAMPTZ = 1184;
const pgParse = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | string | null;

const ZERO = 48;
const digit = (text: string, at: number) => text.charCodeAt(at) - ZERO;
const isDigit = (code: number) => code >= ZERO && code <= ZERO + 9;
const twoDigits = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);
/** Where `YYYY-MM-DD HH:MM:SS` holds digits. */
const DIGITS_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** `text` in PostgreSQL's ISO output of a timestamptz as a Date (pg's parser for any other form). */
export function parseTimestamptz(text: string): unknown {
  const length = text.length;
  // YYYY-MM-DD HH:MM:SS, then an optional fraction, then the offset.
  if (
    length < 22 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return pgParse(text);
  }
  for (const at of DIGITS_AT) {
    if (!isDigit(text.charCodeAt(at))) return pgParse(text);
  }
  let at = 19;
  let milliseconds = 0;
  if (text.charCodeAt(at) === 46) {
    at += 1;
    // Milliseconds are the first three digits; later ones are dropped, as Date drops them.
    for (let scale = 100; at < length && isDigit(text.charCodeAt(at)); at += 1, scale /= 10) {
      if (scale >= 1) milliseconds += digit(text, at) * scale;
    }
  }
  const sign = text.charCodeAt(at);
  const offsetLength = length - at;
  if ((sign !== 43 && sign !== 45) || (offsetLength !== 3 && offsetLength !== 6)) return pgParse(text);
  if (!isDigit(text.charCodeAt(at + 1)) || !isDigit(text.charCodeAt(at + 2))) return pgParse(text);
  let offsetMinutes = twoDigits(text, at + 1) * 60;
  if (offsetLength === 6) {
    if (
      text.charCodeAt(at + 3) !== 58 ||
      !isDigit(text.charCodeAt(at + 4)) ||
      !isDigit(text.charCodeAt(at + 5))
    ) {
      return pgParse(text);
    }
    offsetMinutes += twoDigits(text, at + 4);
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + twoDigits(text, 2);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 1000) return pgParse(text);
  const utc = Date.UTC(
    year,
    twoDigits(text, 5) - 1,
    twoDigits(text, 8),
    twoDigits(text, 11),
    twoDigits(text, 14),
    twoDigits(text, 17),
    milliseconds,
  );
  return new Date(utc - (sign === 43 ? 1 : -1) * offsetMinutes * 60_000);
}

/** pg's type parsers with parseTimestamptz for timestamptz: the `types` of the gateway's pool (not global). */
export const gatewayTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (oid === TIMESTAMPTZ && format !== 'binary') return parseTimestamptz;
    return format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid, 'text');
  },
};
