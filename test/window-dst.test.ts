// A date-only start/end is the first instant of that local date, also where the day begins
// with clocks set forward (midnight does not exist: the day starts at 01:00) or back.
// Checked against a brute-force scan with Intl, and through the performance endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { resolveWindow } from '../engine/query/window.ts';
import { formatUtc } from '../engine/values.ts';
import { zonedToUtc } from '../engine/zones.ts';
import { buildApp } from '../server/app.ts';
import { tempDir } from './helpers.ts';
import { expectedSeries, firstInstant, localDate, utcDate } from './series-reference.ts';
import { seededSnapshot } from './time-fixture.ts';
import type { BlogSeed, ViewSeed } from './time-fixture.ts';

const MIN = 60_000;
const DAY = 86_400_000;

/** Days that begin with clocks set forward at midnight, and an ordinary zone's days. */
const GAPS: [string, string][] = [
  ['America/Santiago', '2026-09-06'],
  ['America/Sao_Paulo', '2018-11-04'],
  ['America/Asuncion', '2024-10-06'],
  ['America/Havana', '2024-03-10'],
];
const ORDINARY: [string, string][] = [
  ['Europe/Berlin', '2026-03-29'], // clocks forward at 02:00, midnight exists
  ['Europe/Berlin', '2026-07-01'],
  ['America/Havana', '2024-11-03'], // clocks back from 01:00 to 00:00: midnight occurs twice
  ['America/Santiago', '2026-04-05'], // clocks back from 24:00 to 23:00 the day before
];

const parse = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return utcDate(y, m - 1, d);
};
const plusDays = (date: string, n: number) => new Date(parse(date) + n * DAY).toISOString().slice(0, 10);

const localTime = (ms: number, tz: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(new Date(ms));

describe('the first instant of a local date', () => {
  for (const [tz, date] of [...GAPS, ...ORDINARY]) {
    it(`${date} in ${tz}: zonedToUtc and resolveWindow`, () => {
      const want = firstInstant(date, tz);
      expect(new Date(zonedToUtc(parse(date), tz)).toISOString()).toBe(new Date(want).toISOString());
      const w = resolveWindow({ range: 'all', start: date, end: plusDays(date, 1), tz, now: Date.UTC(2030, 0, 1) });
      expect(w.start).toBe(formatUtc(want));
      expect(w.end).toBe(formatUtc(firstInstant(plusDays(date, 1), tz)));
    });
  }

  it('where midnight does not exist the day starts at 01:00; elsewhere at 00:00', () => {
    for (const [tz, date] of GAPS) expect(localTime(zonedToUtc(parse(date), tz), tz), `${tz} ${date}`).toBe('01:00');
    for (const [tz, date] of ORDINARY) expect(localTime(zonedToUtc(parse(date), tz), tz), `${tz} ${date}`).toBe('00:00');
  });
});

describe('performance with date-only bounds on such days', () => {
  const dir = tempDir('wdst-');
  let engine: Engine;
  let app: FastifyInstance;
  const views: ViewSeed[] = [];
  const blogs: BlogSeed[] = [{ id: 1, author: 1, created: Date.UTC(2000, 0, 1) }];

  beforeAll(async () => {
    // Views every 10 minutes from two days before to three days after each date, and blogs
    // created half an hour either side of the day's first instant.
    for (const [tz, date] of [...GAPS, ...ORDINARY]) {
      for (let t = parse(date) - 2 * DAY; t < parse(date) + 3 * DAY; t += 10 * MIN) views.push({ blog: 1, at: t });
      const first = firstInstant(date, tz);
      blogs.push({ id: blogs.length + 1, author: 1, created: first - 30 * MIN }, { id: blogs.length + 2, author: 1, created: first + 30 * MIN });
    }
    engine = await Engine.open(await seededSnapshot(dir.path, blogs, views));
    app = await buildApp({ engine: () => engine });
  });
  afterAll(async () => {
    await app?.close();
    engine?.close();
    dir.cleanup();
  });

  const inDates = (t: number, tz: string, from: string, to: string) => localDate(t, tz) >= from && localDate(t, tz) < to;

  for (const [tz, date] of [...GAPS, ...ORDINARY]) {
    it(`${tz}: start=${date}, and end=${date}`, async () => {
      for (const [from, to] of [[date, plusDays(date, 2)], [plusDays(date, -2), date]] as const) {
        const res = await app.inject({ url: `/api/v1/analytics/performance?start=${from}&end=${to}&tz=${encodeURIComponent(tz)}&compare=day&as_of=2030-01-01T00:00:00Z` });
        expect(res.statusCode, res.body).toBe(200);
        const data = res.json()['data'] as { period: string }[];
        expect(data[0]?.period).toBe(from);
        expect(data.at(-1)?.period).toBe(plusDays(to, -1));
        const v = views.map((x) => x.at).filter((t) => inDates(t, tz, from, to));
        const b = blogs.map((x) => x.created).filter((t) => inDates(t, tz, from, to));
        expect(data).toEqual(expectedSeries(v, b, tz, 'day'));
      }
    });
  }
});
