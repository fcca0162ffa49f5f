// Section 2 of the spec: range / start / end / as_of / tz -> a half-open UTC window.
import { QueryError } from '../errors.ts';
import { formatUtc, instantBefore as before, parseTimestamp } from '../values.ts';
import type { Instant, ParsedTimestamp } from '../values.ts';
import { isTimeZone, zonedToUtc } from '../zones.ts';
import { RANGES } from './periods.ts';
import type { RangeName, TimeWindow } from './spec.ts';

export interface WindowInput {
  readonly range: RangeName;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly asOf?: string | undefined;
  readonly tz: string;
  /** The server's clock, in epoch milliseconds. */
  readonly now: number;
}

const DAY_MS = 86_400_000;

function instant(text: string, tz: string, param: string): Instant {
  const t: ParsedTimestamp | undefined = parseTimestamp(text);
  if (!t) throw new QueryError('invalid_parameter', `${param} must be an ISO 8601 date or date-time`, [{ path: `/${param}`, message: `not an ISO 8601 date or date-time: '${text.slice(0, 50)}'` }]);
  // A date alone is the first instant of that date in the request's zone (its midnight, or
  // where the day begins with clocks set forward, the end of that gap); a date-time without
  // an offset is UTC.
  if (t.dateOnly) return { ms: zonedToUtc(t.epochMs, tz), micro: 0 };
  return { ms: t.epochMs, micro: t.microRemainder };
}


export function resolveWindow(input: WindowInput): TimeWindow {
  if (!isTimeZone(input.tz)) throw new QueryError('invalid_parameter', `unknown time zone '${input.tz.slice(0, 64)}'`, [{ path: '/tz', message: 'not an IANA time zone name' }]);
  const asOf = input.asOf !== undefined ? instant(input.asOf, input.tz, 'as_of') : { ms: input.now, micro: 0 };
  if (input.start !== undefined || input.end !== undefined) {
    const start = input.start !== undefined ? instant(input.start, input.tz, 'start') : undefined;
    const end = input.end !== undefined ? instant(input.end, input.tz, 'end') : undefined;
    if (start && end && !before(start, end))
      throw new QueryError('invalid_time_range', 'start must be before end', [{ path: '/end', message: `end ${input.end} is not after start ${input.start}` }]);
    // Views after as_of never count, whatever the window says.
    const last = end && before(end, asOf) ? end : asOf;
    return { start: start ? formatUtc(start.ms, start.micro) : null, end: formatUtc(last.ms, last.micro) };
  }
  const days = RANGES[input.range].days;
  return { start: days === null ? null : formatUtc(asOf.ms - days * DAY_MS, asOf.micro), end: formatUtc(asOf.ms, asOf.micro) };
}
