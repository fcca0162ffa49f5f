// IANA time zones without a dependency: Intl knows them all (Node ships full ICU).

/** Whether a zone name is one Intl (and so ICU, which DuckDB also uses) knows. */
export function isTimeZone(tz: string): boolean {
  if (tz.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC, in minutes, at an instant. */
function offsetAt(tz: string, epochMs: number): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** The instant at which the wall clock in `tz` shows the given local time (read as UTC
 *  fields in `localMs`). In a gap (spring forward) it is the instant just after the gap. */
export function zonedToUtc(localMs: number, tz: string): number {
  let guess = localMs - offsetAt(tz, localMs) * 60_000;
  for (let i = 0; i < 3; i++) {
    const next = localMs - offsetAt(tz, guess) * 60_000;
    if (next === guess) break;
    guess = next;
  }
  return guess;
}
