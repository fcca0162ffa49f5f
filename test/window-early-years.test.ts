// Years 0001-1000 in start/end/as_of, in UTC and in Asia/Tokyo (whose local mean time,
// +9:18:59, applies before 1888): the window is the right instant, to the second, and the
// counts are those of the views inside it. The bounds are worked out by a separate DuckDB
// (its ICU time zones), the counts from the seeded views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { tempDir } from './helpers.ts';
import { seededSnapshot } from './time-fixture.ts';
import type { BlogSeed, ViewSeed } from './time-fixture.ts';

interface Case {
  readonly query: string;
  /** SQL for the window's bounds as TIMESTAMPTZ (start null: unbounded). */
  readonly start: string | null;
  readonly end: string;
}

const tokyo = (local: string) => `timezone('Asia/Tokyo', TIMESTAMP '${local}')`;
const utc = (text: string) => `TIMESTAMPTZ '${text}+00'`;
const NOW = 'as_of=2030-01-01T00:00:00Z';

const CASES: Case[] = [
  { query: `end=0100-01-01&tz=Asia/Tokyo&${NOW}`, start: null, end: tokyo('0100-01-01 00:00:00') },
  { query: `start=0001-01-02&end=0001-01-03&${NOW}`, start: utc('0001-01-02 00:00:00'), end: utc('0001-01-03 00:00:00') },
  { query: `start=0001-01-01&end=0001-01-03&tz=Asia/Tokyo&${NOW}`, start: tokyo('0001-01-01 00:00:00'), end: tokyo('0001-01-03 00:00:00') },
  { query: `start=0099-12-31&end=0100-01-02&${NOW}`, start: utc('0099-12-31 00:00:00'), end: utc('0100-01-02 00:00:00') },
  { query: `start=0099-12-31&end=0100-01-02&tz=Asia/Tokyo&${NOW}`, start: tokyo('0099-12-31 00:00:00'), end: tokyo('0100-01-02 00:00:00') },
  { query: `start=0099-06-01T00:00:00%2B09:00&end=0100-01-01T12:00:00Z&${NOW}`, start: `TIMESTAMPTZ '0099-06-01 00:00:00+09'`, end: utc('0100-01-01 12:00:00') },
  { query: `start=1000-01-01&end=1000-01-02&tz=Asia/Tokyo&${NOW}`, start: tokyo('1000-01-01 00:00:00'), end: tokyo('1000-01-02 00:00:00') },
  { query: `start=1000-01-01&end=1000-01-02&${NOW}`, start: utc('1000-01-01 00:00:00'), end: utc('1000-01-02 00:00:00') },
  // as_of: the end of a rolling range, and the cap on an explicit window.
  { query: `range=year&as_of=0100-01-01T00:00:00Z`, start: `${utc('0100-01-01 00:00:00')} - INTERVAL 365 DAY`, end: utc('0100-01-01 00:00:00') },
  { query: `range=month&as_of=0001-01-01&tz=Asia/Tokyo`, start: `${tokyo('0001-01-01 00:00:00')} - INTERVAL 30 DAY`, end: tokyo('0001-01-01 00:00:00') },
  { query: `range=day&as_of=0099-12-31T23:00:00-05:00`, start: `TIMESTAMPTZ '0099-12-31 23:00:00-05' - INTERVAL 1 DAY`, end: `TIMESTAMPTZ '0099-12-31 23:00:00-05'` },
  { query: `start=1000-01-01&as_of=1000-01-01T12:00:00Z&tz=Asia/Tokyo`, start: tokyo('1000-01-01 00:00:00'), end: utc('1000-01-01 12:00:00') },
  { query: `start=0001-01-01&as_of=0001-01-01T20:00:00%2B09:00&tz=Asia/Tokyo`, start: tokyo('0001-01-01 00:00:00'), end: `TIMESTAMPTZ '0001-01-01 20:00:00+09'` },
];

type Bound = { ms: number; text: string };
const dir = tempDir('wyears-');
let engine: Engine;
let app: FastifyInstance;
const bounds: { start: Bound | null; end: Bound }[] = [];
const views: ViewSeed[] = [];

beforeAll(async () => {
  const ref = await Database.open(':memory:');
  try {
    const bound = async (sql: string): Promise<Bound> => {
      const r = (await ref.query(`SELECT epoch_ms(x) AS ms, strftime(timezone('UTC', x), '%Y-%m-%d %H:%M:%S.%f') AS text FROM (SELECT ${sql} AS x)`)).rows[0]!;
      return { ms: Number(r['ms']), text: r['text'] as string };
    };
    for (const c of CASES) bounds.push({ start: c.start === null ? null : await bound(c.start), end: await bound(c.end) });
  } finally {
    ref.close();
  }
  // Views a second, a minute and an hour either side of every bound, and on it.
  const at = new Set<number>();
  for (const b of bounds) for (const x of [b.start, b.end]) if (x) for (const d of [-3_600_000, -60_000, -1000, 0, 1000, 60_000, 3_600_000]) at.add(x.ms + d);
  // The importer takes instants of the years 0001-9999 (UTC) only, so none is seeded in 1 BC;
  // windows may still begin there (start=0001-01-01 in Tokyo is 0000-12-31 UTC).
  const YEAR_1 = Date.parse('0001-01-01T00:00:00Z');
  [...at].filter((t) => t >= YEAR_1).sort((a, b) => a - b).forEach((t, i) => views.push({ blog: 1 + (i % 3), at: t }));
  const blogs: BlogSeed[] = [1, 2, 3].map((id) => ({ id, author: id === 3 ? 2 : 1, created: Date.parse('2000-01-01T00:00:00Z') }));
  engine = await Engine.open(await seededSnapshot(dir.path, blogs, views));
  app = await buildApp({ engine: () => engine });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

/** DuckDB's UTC timestamp text as the answer writes it: ISO 8601 with Z, milliseconds, and
 *  microseconds only where there are some below the millisecond. */
const iso = (text: string): string => {
  const [date, time] = text.split(' ') as [string, string];
  const frac = time.slice(9);
  return `${date}T${time.slice(0, 8)}.${frac.endsWith('000') ? frac.slice(0, 3) : frac}Z`;
};

describe('years 0001-1000 in start, end and as_of', () => {
  CASES.forEach((c, i) => {
    it(c.query, async () => {
      const { start, end } = bounds[i]!;
      // The fixture's view k is by viewer 1 + k % 2.
      const inside = views.map((v, k) => ({ ...v, user: 1 + (k % 2) })).filter((v) => (start === null || v.at >= start.ms) && v.at < end.ms);
      const ranked = (key: (v: (typeof inside)[number]) => number) => {
        const counts = new Map<number, number>();
        for (const v of inside) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
        return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id, z]) => ({ id, z }));
      };
      for (const [path, want] of [['top?top=blog&limit=100', ranked((v) => v.blog)], ['blog-views?object_type=user', ranked((v) => v.user)]] as const) {
        const url = `/api/v1/analytics/${path}&${c.query}`;
        const res = await app.inject({ url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        const body = res.json();
        expect(body['window'], url).toEqual({ start: start ? iso(start.text) : null, end: iso(end.text) });
        expect(body['data'].map((r: { id: number; z: number }) => ({ id: r.id, z: r.z })), url).toEqual(want);
      }
    });
  });

  it('a year 0000 or a date that does not exist is a 400 with the spec\'s error shape', async () => {
    for (const q of ['start=0000-06-01', 'end=0099-02-29', 'as_of=0100-02-29T00:00:00Z']) {
      const res = await app.inject({ url: `/api/v1/analytics/top?${q}` });
      expect(res.statusCode, q).toBe(400);
      const param = q.split('=')[0]!;
      expect(res.json()).toMatchObject({ code: 'invalid_parameter', details: [{ path: `/${param}` }] });
    }
  });
});
