// Instants in responses. Inside the engine a window's bounds are UTC wall times,
// `YYYY-MM-DD HH:MM:SS.ffffff`, the form bound to TIMESTAMP parameters; that text carries no
// zone, so a client (JavaScript's Date among them) would read it as its own local time.
// Responses write ISO 8601 in UTC with `Z`, as GET /api/v1/meta does (Date#toISOString:
// milliseconds always), with six fraction digits where there are microseconds below the
// millisecond, so that no precision is lost.
import { parseUtc } from '../engine/index.ts';

/** Epoch milliseconds (+ microseconds below them) as ISO 8601 UTC. */
export function isoFromEpoch(ms: number, micro = 0): string {
  const iso = new Date(ms).toISOString();
  return micro === 0 ? iso : `${iso.slice(0, -1)}${String(micro).padStart(3, '0')}Z`;
}

/** An internal UTC TIMESTAMP value (see `formatUtc`) as ISO 8601 UTC. */
export function isoFromUtc(timestamp: string): string {
  // parseUtc reads every year formatUtc writes, 1 BC (year 0) included.
  const t = parseUtc(timestamp);
  return isoFromEpoch(t.ms, t.micro);
}

/** A window's bounds as the response writes them. */
export function isoWindow(w: { readonly start: string | null; readonly end: string }): { start: string | null; end: string } {
  return { start: w.start === null ? null : isoFromUtc(w.start), end: isoFromUtc(w.end) };
}
