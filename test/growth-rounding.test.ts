// growth is the exact percentage rounded half away from zero to 2 decimals: a tie such as
// 0.575 becomes 0.58 and -0.575 becomes -0.58, also where the nearest binary double lies
// below the tie. Days with view counts chosen so that the exact percentage has a 5 in its
// third decimal, found by brute force here; the answer checked end to end (JSON and CSV).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { tempDir } from './helpers.ts';
import { exactGrowth, expectedSeries } from './series-reference.ts';
import { seededSnapshot } from './time-fixture.ts';
import type { ViewSeed } from './time-fixture.ts';

const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2025, 0, 1);

/** Thousandths of the exact percentage from `prev` to `views`, where that is a whole number
 *  of thousandths ending in 5 (a tie at 2 decimals); else null. */
function tie(prev: number, views: number): bigint | null {
  const scaled = BigInt(views - prev) * 100_000n;
  if (scaled % BigInt(prev) !== 0n) return null;
  const thousandths = scaled / BigInt(prev);
  return thousandths % 10n === 5n || thousandths % 10n === -5n ? thousandths : null;
}

/** Whether binary floating point misses the tie: the percentage computed in doubles, scaled
 *  to hundredths, falls short of the halfway point, so rounding it goes toward zero. */
const doubleMisses = (prev: number, views: number, thousandths: bigint) =>
  Math.abs((((views - prev) * 100) / prev) * 100) < Math.abs(Number(thousandths)) / 10;

const dir = tempDir('growth-');
let engine: Engine;
let app: FastifyInstance;
const views: ViewSeed[] = [];
/** Per day, its number of views: pairs (prev, views) at ties, each followed by an empty day. */
const days: number[] = [];
const pairs: { prev: number; views: number; hard: boolean }[] = [];

beforeAll(async () => {
  const found: typeof pairs = [];
  for (const prev of [800, 4000]) {
    for (let v = Math.max(0, prev - 120); v <= prev + 120; v++) {
      const t = tie(prev, v);
      if (t !== null) found.push({ prev, views: v, hard: doubleMisses(prev, v, t) });
    }
  }
  // Of each kind (up or down, hard for doubles or not) the first two found.
  for (const up of [true, false]) for (const hard of [true, false]) pairs.push(...found.filter((p) => p.views > p.prev === up && p.hard === hard).slice(0, 2));
  for (const p of pairs) days.push(p.prev, p.views, 0);
  days.forEach((n, d) => {
    for (let i = 0; i < n; i++) views.push({ blog: 1, at: FIRST_DAY + d * DAY + Math.floor((i * DAY) / n) });
  });
  engine = await Engine.open(await seededSnapshot(dir.path, [{ id: 1, author: 1, created: FIRST_DAY }], views));
  app = await buildApp({ engine: () => engine });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const URL = `/api/v1/analytics/performance?compare=day&range=all&as_of=2030-01-01T00:00:00Z`;

describe('growth rounding', () => {
  it('the reference rounds exact ties away from zero', () => {
    expect(exactGrowth(1_123_450, 1_000_000)).toBe(12.35);
    expect(exactGrowth(876_550, 1_000_000)).toBe(-12.35);
    expect(exactGrowth(4023, 4000)).toBe(0.58);
    expect(exactGrowth(3977, 4000)).toBe(-0.58);
    expect(exactGrowth(1, 40)).toBe(-97.5);
  });

  it('ties up and down, where doubles hit or miss them, all found', () => {
    expect(pairs.filter((p) => p.hard && p.views > p.prev).length).toBeGreaterThanOrEqual(1);
    expect(pairs.filter((p) => p.hard && p.views < p.prev).length).toBeGreaterThanOrEqual(1);
    expect(pairs.filter((p) => !p.hard).length).toBeGreaterThanOrEqual(2);
  });

  it('JSON: every growth is the exactly rounded percentage, written with at most 2 decimals', async () => {
    const res = await app.inject({ url: URL });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json()['data'];
    expect(data).toEqual(expectedSeries(views.map((v) => v.at), [FIRST_DAY], 'UTC', 'day'));
    pairs.forEach((p, i) => {
      const row = data[3 * i + 1];
      expect(row.views).toBe(p.views);
      expect(row.growth, `${p.prev} -> ${p.views}`).toBe(exactGrowth(p.views, p.prev));
    });
    for (const m of res.body.matchAll(/"(?:growth|z)":(-?[\d.e+-]+|null)/g)) expect(m[1]).toMatch(/^(null|-?\d+(\.\d{1,2})?)$/);
  });

  it('CSV carries the same numbers', async () => {
    const res = await app.inject({ url: `${URL}&format=csv` });
    expect(res.statusCode, res.body).toBe(200);
    const [head, ...lines] = res.body.trim().split(/\r?\n/);
    const col = head!.split(',').indexOf('growth');
    const want = expectedSeries(views.map((v) => v.at), [FIRST_DAY], 'UTC', 'day');
    expect(lines.map((l) => l.split(',')[col])).toEqual(want.map((r) => (r.growth === null ? '' : String(r.growth))));
  });
});
