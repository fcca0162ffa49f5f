// Series in a zone other than UTC count per UTC quarter hour before converting to local
// time; instants before 1970 have negative epoch values, and must still fall in their own
// quarter (floor division), not the one after. Views and blog creations in 1969 around
// local day, week, month and year edges, against a brute-force reference with Intl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { tempDir } from './helpers.ts';
import { expectedSeries, firstInstant } from './series-reference.ts';
import { seededSnapshot } from './time-fixture.ts';
import type { BlogSeed, ViewSeed } from './time-fixture.ts';

const MIN = 60_000;
const ZONES = ['Asia/Kolkata', 'America/New_York', 'Europe/Berlin'];
/** Local dates that start a day, an ISO week (1969-03-03, 1969-12-29 are Mondays), a month
 *  and a year; and one in 1970 so that the series crosses the epoch. */
const EDGES = ['1969-03-03', '1969-07-01', '1969-10-26', '1969-12-29', '1970-01-01', '1970-01-02'];
/** Around each edge: either side of it, and of the quarter hours next to it. */
const NEAR = [-20 * MIN, -15 * MIN - 1, -15 * MIN, -15 * MIN + 1, -7 * MIN, -1, 0, 1, 7 * MIN, 15 * MIN - 1, 15 * MIN, 20 * MIN];

const dir = tempDir('s1969-');
let engine: Engine;
let app: FastifyInstance;
const views: ViewSeed[] = [];
const blogs: BlogSeed[] = [];

beforeAll(async () => {
  const at = new Set<number>();
  for (const tz of ZONES) for (const date of EDGES) for (const d of NEAR) at.add(firstInstant(date, tz) + d);
  [...at].sort((a, b) => a - b).forEach((t, i) => {
    views.push({ blog: 1 + (i % 2), at: t });
    // A blog created at every third of those instants (after the views' blogs 1 and 2).
    if (i % 3 === 0) blogs.push({ id: 3 + blogs.length, author: 1 + (blogs.length % 2), created: t });
  });
  blogs.push({ id: 1, author: 1, created: Date.UTC(1968, 0, 1) }, { id: 2, author: 2, created: Date.UTC(1968, 0, 1) });
  engine = await Engine.open(await seededSnapshot(dir.path, blogs, views));
  app = await buildApp({ engine: () => engine });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

async function perf(query: string) {
  const res = await app.inject({ url: `/api/v1/analytics/performance?as_of=2030-01-01T00:00:00Z&${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json()['data'];
}

describe('performance before 1970 in zones other than UTC', () => {
  for (const tz of ZONES) {
    for (const period of ['day', 'week', 'month', 'year']) {
      it(`${tz}, compare=${period}`, async () => {
        const data = await perf(`tz=${encodeURIComponent(tz)}&compare=${period}&start=1968-06-01&end=1971-01-01`);
        const from = firstInstant('1968-06-01', tz);
        const to = firstInstant('1971-01-01', tz);
        const inside = (t: number) => t >= from && t < to;
        expect(data).toEqual(expectedSeries(views.map((v) => v.at).filter(inside), blogs.map((b) => b.created).filter(inside), tz, period));
      });
    }

    it(`${tz}, one author, a window whose bounds are 1969 edges`, async () => {
      const data = await perf(`tz=${encodeURIComponent(tz)}&compare=day&user_id=2&start=1969-07-01&end=1970-01-01`);
      const from = firstInstant('1969-07-01', tz);
      const to = firstInstant('1970-01-01', tz);
      const inside = (t: number) => t >= from && t < to;
      const mine = views.filter((v) => v.blog === 2 && inside(v.at)).map((v) => v.at);
      const theirs = blogs.filter((b) => b.author === 2 && inside(b.created)).map((b) => b.created);
      expect(theirs.length).toBeGreaterThan(5);
      expect(data).toEqual(expectedSeries(mine, theirs, tz, 'day'));
    });
  }
});
