// A snapshot file damaged after import (bytes overwritten in the middle of the file): a read
// that meets the damage answers 503 unavailable "the snapshot is damaged; re-import it",
// /ready turns 503 and the log names the file; at start the whole file is read once, so the
// server is never ready on a damaged file.
import { closeSync, copyFileSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { SnapshotDamaged, verifySnapshot } from '../engine/damage.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { spawnMain } from './spawn-main.ts';

const dir = tempDir('damage-');
let intact: string;
let damaged: string;

/** Copies `src` to `dst` and overwrites 4 KiB in the middle of every block that holds
 *  `table`.`column`. DuckDB's file is three 4 KiB headers followed by fixed-size blocks,
 *  each checked by a checksum when read. */
async function damageColumn(src: string, dst: string, table: string, column: string): Promise<void> {
  copyFileSync(src, dst);
  const db = await Database.open(src, { readOnly: true, connections: 1 });
  let size: number;
  let blocks: number[];
  try {
    size = Number((await db.query(`SELECT block_size FROM pragma_database_size()`)).rows[0]!['block_size']);
    blocks = (await db.query(`SELECT DISTINCT block_id FROM pragma_storage_info('${table}') WHERE column_name = $1 AND block_id >= 0 ORDER BY 1`, [column])).rows.map((r) =>
      Number(r['block_id']),
    );
  } finally {
    db.close();
  }
  expect(blocks.length).toBeGreaterThan(0);
  const fd = openSync(dst, 'r+');
  try {
    for (const b of blocks) writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 3 * 4096 + b * size + size / 2);
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  ({ db: intact } = await generatedSnapshot(dir.path, 20_000, 5));
  damaged = join(dir.path, 'damaged.duckdb');
  await damageColumn(intact, damaged, 'fact_view', 'duration');
  // The fixture holds: a DuckDB of its own fails to read the column from the damaged copy.
  const check = await Database.open(damaged, { readOnly: true, connections: 1 });
  try {
    await expect(check.query(`SELECT sum(duration) AS s FROM fact_view`)).rejects.toThrow(/checksum/i);
  } finally {
    check.close();
  }
});
afterAll(() => dir.cleanup());

const DURATION_FILTER = encodeURIComponent(JSON.stringify({ field: 'duration', op: 'gt', value: 30 }));

describe('a damaged snapshot', () => {
  it('is found by reading it whole, naming the file; an intact one passes', async () => {
    await expect(verifySnapshot(intact)).resolves.toBeUndefined();
    const error = await verifySnapshot(damaged).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotDamaged);
    expect((error as Error).message).toContain(damaged);
  });

  it('answers a query that meets the damage 503 unavailable, turns /ready 503 and logs the file', async () => {
    // The damage is in the views' durations only: the file opens, and other answers still work.
    const engine = await Engine.open(damaged);
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const app = await buildApp({ engine: () => engine, logger: { level: 'info', stream } });
    try {
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
      const res = await app.inject({ url: `/api/v1/analytics/top?top=country&range=all&filters=${DURATION_FILTER}`, headers: { 'cache-control': 'no-cache' } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'the snapshot is damaged; re-import it', code: 'unavailable', details: [] });
      expect(res.body).not.toMatch(/checksum|block|fact_view/i);
      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ code: 'unavailable', error: 'the snapshot is damaged; re-import it' });
      const log = lines.join('');
      expect(log).toContain(damaged);
      expect(log).toMatch(/damaged/);
    } finally {
      await app.close();
      engine.close();
    }
  });

  it('is never served by npm start: the server listens, /ready is 503 and the log names the file', async () => {
    const server = await spawnMain({ ANALYTICS_DB: damaged, RATE_LIMIT_PER_MINUTE: '0' });
    let code: number | null;
    try {
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(503);
      expect((await fetch(`${server.url}/api/v1/meta`)).status).toBe(503);
      expect(server.output()).toContain(damaged);
      expect(server.output()).toMatch(/is damaged; re-import it/);
    } finally {
      code = await server.stop();
    }
    expect(code).toBe(0);
  }, 30_000);
});
