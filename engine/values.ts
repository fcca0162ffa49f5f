// Parsing user values into the canonical forms bound as parameters.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export interface ParsedTimestamp {
  /** UTC wall time, `YYYY-MM-DD HH:MM:SS.ffffff`, ready to bind as a TIMESTAMP. */
  readonly utc: string;
  /** Whether only a date was given (no time of day): zones apply to such values. */
  readonly dateOnly: boolean;
  /** Whether the text carried its own offset. */
  readonly hasOffset: boolean;
  /** Milliseconds since the epoch of the instant, reading a missing offset as UTC. */
  readonly epochMs: number;
  /** Microseconds below the millisecond, kept so that no precision is lost. */
  readonly microRemainder: number;
}

/** An instant at microsecond precision: epoch milliseconds and the microseconds below. */
export interface Instant {
  readonly ms: number;
  readonly micro: number;
}

export const instantBefore = (a: Instant, b: Instant): boolean => a.ms < b.ms || (a.ms === b.ms && a.micro < b.micro);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch milliseconds of a UTC calendar time (proleptic Gregorian, month from 0; year 0 is
 *  1 BC). Unlike Date.UTC, which reads years 0-99 as 1900-1999, it takes every year as given. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** Formats epoch milliseconds (+ extra microseconds) as a UTC TIMESTAMP literal value.
 *  Years before 1 are astronomical (0 = 1 BC, -1 = 2 BC), as DuckDB reads them. */
export function formatUtc(epochMs: number, micro = 0): string {
  const d = new Date(epochMs);
  const us = d.getUTCMilliseconds() * 1000 + micro;
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)}`;
}

const UTC_TEXT = /^(-?\d{4,6})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;

/** Reads back what formatUtc wrote (a window bound), any year included. */
export function parseUtc(text: string): Instant {
  const m = UTC_TEXT.exec(text);
  if (!m) throw new Error(`not a UTC timestamp of formatUtc's form: '${text}'`);
  const [y, mo, d, h, mi, s, us] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return { ms: utcMs(y, mo - 1, d, h, mi, s, Math.floor(us / 1000)), micro: us % 1000 };
}

/** An ISO 8601 date or date-time, or undefined where the text is not one. */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', off] = m.slice(1);
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = utcMs(year, month - 1, day, hour, minute, second);
  const check = new Date(base);
  // 31 February rolls over into March: a date that does not round-trip does not exist.
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const digits = (frac + '000000').slice(0, 6);
  const ms = Math.floor(Number(digits) / 1000);
  const micro = Number(digits) % 1000;
  let offsetMin = 0;
  if (off && off.toUpperCase() !== 'Z') {
    const sign = off[0] === '-' ? -1 : 1;
    const body = off.slice(1).replace(':', '');
    const oh = Number(body.slice(0, 2));
    const om = Number(body.slice(2) || '0');
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  // Years 0001-9999 as written; with an offset (or a zone) the instant may fall in the last
  // hours of 1 BC or the first of 10000, which formatUtc writes and DuckDB reads.
  const epochMs = base + ms - offsetMin * 60_000;
  return { utc: formatUtc(epochMs, micro), dateOnly: m[4] === undefined, hasOffset: off !== undefined, epochMs, microRemainder: micro };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An ISO 8601 calendar date, `YYYY-MM-DD` (years 0001 to 9999), as given; undefined where
 *  the text is not one or the day does not exist (31 February). */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const check = new Date(utcMs(year, month - 1, day));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID as 8-4-4-4-12 hexadecimal digits, in either case, as its canonical lowercase
 *  text; undefined where the text is not one (braces, no hyphens, URNs: refused). */
export function parseUuid(text: string): string | undefined {
  return UUID.test(text) ? text.toLowerCase() : undefined;
}
