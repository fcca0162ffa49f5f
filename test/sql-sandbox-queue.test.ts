// Requests wait for a sandbox process in a bounded queue: past it they are refused with 503
// and Retry-After, and a request's time limit counts from its arrival, not from when a
// process takes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { sqlServer } from './sql-sandbox-fixture.ts';
import type { Reply, SqlServer } from './sql-sandbox-fixture.ts';

const dir = tempDir('sqlq-');
let s: SqlServer;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 2000, 5);
  // One process, two places in the queue.
  s = await sqlServer(db, { engine: { sandbox: { processes: 1, queue: 2 } }, limits: { sqlTimeoutMs: 20_000 } });
});
afterAll(async () => {
  await s?.close();
  dir.cleanup();
});

// Runs until its limit stops it (DuckDB interrupts it between vectors).
const LONG = 'SELECT sum(i) FROM range(1000000000000) t(i)';

describe('debug SQL queue', () => {
  it('refuses past the queue with 503 and Retry-After; a queued request times out from its arrival', async () => {
    const settled: string[] = [];
    const track = (name: string, p: Promise<Reply>) => p.then((r) => (settled.push(name), r));
    // Each request is sent once the one before it has reached the engine.
    const a1 = track('a1', s.sql({ sql: LONG, timeout_ms: 6000 }));
    await s.reached(1);
    const a2 = track('a2', s.sql({ sql: LONG, timeout_ms: 6000 }));
    await s.reached(2);
    const b = track('b', s.sql({ sql: 'SELECT 1 AS one', timeout_ms: 1000 }));
    await s.reached(3);
    // a1 runs, a2 and b wait: the queue is full.
    const c = await s.sql({ sql: 'SELECT 2 AS two' });
    expect(c.status, c.text).toBe(503);
    expect(c.json()).toMatchObject({ code: 'unavailable', details: [] });
    expect(Number(c.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // b never got a process: its 1000 ms ran out while it waited, long before a1's 6000.
    const rb = await b;
    expect(rb.status, rb.text).toBe(504);
    expect(rb.json()).toMatchObject({ code: 'query_timeout' });
    expect(settled[0]).toBe('b');
    const [r1, r2] = await Promise.all([a1, a2]);
    expect(r1.status, r1.text).toBe(504);
    // a2 waited its whole limit in the queue (it arrived right after a1, so both end together).
    expect(r2.status, r2.text).toBe(504);
    expect(settled).toEqual(['b', expect.any(String), expect.any(String)]);
    console.log(`queued b (limit 1000 ms): 504 after ${Math.round(rb.ms)} ms; a1, a2 (6000 ms): ${Math.round(r1.ms)}, ${Math.round(r2.ms)} ms`);
    expect(rb.ms).toBeLessThan(r1.ms);

    // Room again.
    expect((await s.sql({ sql: 'SELECT 3 AS three' })).json()).toMatchObject({ rows: [[3]] });
  });
});
