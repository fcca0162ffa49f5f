// Buckets in zones whose offsets of the past were not whole quarter hours (local mean time:
// Berlin +0:53:28 until 1893, Kolkata +5:53:28 until 1941, Monrovia -0:44:30 until 1972):
// the series counts such rows one by one, so that counts (which go by quarter hours from
// 1980 on) and averages (row by row) put every view in the same bucket, the one plain SQL
// over the source files gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import type { SeriesPlan } from '../engine/query/nodes.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';

const dir = tempDir('lmt-');
let engine: Engine;
let ref: Database;

beforeAll(async () => {
  // Two years of views ending mid-1890, with the generator's spread of hours.
  const parquet = join(dir.path, 'parquet');
  await generate({ views: 4000, seed: 3, out: parquet, end: new Date('1890-06-01T00:00:00Z') });
  await importSnapshot({ source: parquet, dbPath: join(dir.path, 'snap.duckdb') });
  engine = await Engine.open(join(dir.path, 'snap.duckdb'), { cacheEntries: 0 });
  ref = await parquetReference(parquet);
}, 120_000);
afterAll(async () => {
  await engine?.close();
  ref?.close();
  dir.cleanup();
});

describe('series before 1980 in zones with odd offsets', () => {
  for (const tz of ['Europe/Berlin', 'Asia/Kolkata', 'Africa/Monrovia'])
    for (const granularity of ['day', 'month'] as const)
      it(`${tz}, ${granularity}: counts and averages bucket every view as plain SQL does`, async () => {
        const plan = (measures: string[]): SeriesPlan => ({
          kind: 'series', dataset: 'blog', window: { start: null, end: '1890-06-01 00:00:00.000000' }, filter: undefined, granularity, tz,
          dimensions: [], measures, fill: false, compare: [], running: [], side: [], order: [], limit: 100_000, offset: 0,
        });
        const want = (
          await ref.query(
            `SELECT strftime(date_trunc('${granularity}', timezone($1, viewed_at::TIMESTAMPTZ)), '%Y-%m-%d') AS period, count(*) AS views FROM blog_view GROUP BY 1 ORDER BY 1`,
            [tz],
          )
        ).rows.map((r) => ({ period: r['period'], views: Number(r['views']) }));
        const counts = await engine.run(plan(['views']));
        const withAvg = await engine.run(plan(['views', 'avg_duration']));
        expect(counts.rows.map((r) => ({ period: r['period'], views: r['views'] }))).toEqual(want);
        expect(withAvg.rows.map((r) => ({ period: r['period'], views: r['views'] }))).toEqual(want);
      });
});
