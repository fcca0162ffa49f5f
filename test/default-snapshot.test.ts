// The generated default of a first `npm start` never deletes what it did not make: it
// generates into a fresh temporary folder of its own and removes only that. A user's files
// in `<folder of ANALYTICS_DB>/generated` (`npm run generate`'s --out in the README) stay.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDefaultSnapshot } from '../data/default-snapshot.ts';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('default-');
afterAll(() => dir.cleanup());

describe('the generated default snapshot', () => {
  it('leaves the files beside the snapshot alone and removes only its own temporary folder', async () => {
    const data = join(dir.path, 'data');
    const users = join(data, 'generated');
    mkdirSync(users, { recursive: true });
    writeFileSync(join(users, 'notes.txt'), 'mine');
    // A user's own export under a name the generator also writes.
    writeFileSync(join(users, 'blog.parquet'), 'not a parquet file, but mine');
    const tmpRoot = join(dir.path, 'tmp');
    mkdirSync(tmpRoot);
    const db = join(data, 'analytics.duckdb');

    const meta = await buildDefaultSnapshot(db, () => {}, { views: 4_000, tmpRoot });

    expect(readdirSync(users).sort()).toEqual(['blog.parquet', 'notes.txt']);
    expect(readFileSync(join(users, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(users, 'blog.parquet'), 'utf8')).toBe('not a parquet file, but mine');
    expect(readdirSync(tmpRoot)).toEqual([]);
    expect(readdirSync(data).sort()).toEqual(['analytics.duckdb', 'generated']);

    // The snapshot says its data are synthetic.
    expect(meta.synthetic).toBe(true);
    const engine = await Engine.open(db);
    try {
      expect(engine.meta.synthetic).toBe(true);
      expect(engine.meta.rows['blog_view']).toBe(4_000);
    } finally {
      engine.close();
    }
  }, 120_000);

  it('builds the marketplace\'s default the same way: synthetic, recording its dataset, its folder removed', async () => {
    const tmpRoot = join(dir.path, 'tmp-market');
    mkdirSync(tmpRoot);
    const db = join(dir.path, 'market', 'marketplace.duckdb');
    const meta = await buildDefaultSnapshot(db, () => {}, { dataset: 'marketplace', orders: 2_000, tmpRoot });
    expect(meta).toMatchObject({ dataset: 'marketplace', synthetic: true });
    expect(meta.rows['order']).toBe(2_000);
    expect(readdirSync(tmpRoot)).toEqual([]);
    const engine = await Engine.open(db, { dataset: marketplaceDataset });
    await engine.close();
  }, 120_000);

  it('builds the members\' default the same way, its periods ending by now', async () => {
    const tmpRoot = join(dir.path, 'tmp-members');
    mkdirSync(tmpRoot);
    const db = join(dir.path, 'members', 'members.duckdb');
    const before = Date.now();
    const meta = await buildDefaultSnapshot(db, () => {}, { dataset: 'members', members: 1_000, tmpRoot });
    expect(meta).toMatchObject({ dataset: 'members', synthetic: true, rows: { member: 1_000 } });
    expect(meta.rows['activity_period']).toBeGreaterThan(2_500);
    expect(readdirSync(tmpRoot)).toEqual([]);
    const engine = await Engine.open(db, { dataset: membersDataset });
    try {
      // The periods run up to the minute of the build: every rolling window has some.
      expect(Date.parse(meta.lastViewedAt!)).toBeLessThanOrEqual(before + 60_000);
      expect(Date.parse(meta.lastViewedAt!)).toBeGreaterThan(before - 7 * 86_400_000);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
