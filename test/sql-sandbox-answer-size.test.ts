// Big answers: one past the size bound is refused with 413 (in the spec's error shape), in
// every format, whether one huge value or many rows; one within it arrives whole; and while
// either is produced, the server keeps answering other requests (/health) promptly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { MiB, sqlServer } from './sql-sandbox-fixture.ts';
import type { Reply, SqlServer } from './sql-sandbox-fixture.ts';

const dir = tempDir('sqlbig-');
let s: SqlServer;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 2000, 6);
  // 2 GiB: DuckDB can build a 530 MB value, so that the answer's bound is what refuses it.
  s = await sqlServer(db, { engine: { sandbox: { processes: 2, memoryMb: 2048 } }, limits: { sqlTimeoutMs: 30_000 } });
});
afterAll(async () => {
  await s?.close();
  dir.cleanup();
});

/** Sends `body` and, one after another until it is answered, GET /health: the answer and
 *  the slowest /health round trip. */
async function whileHealthy(body: Record<string, unknown>): Promise<{ r: Reply; healthChecks: number; worstHealthMs: number }> {
  let done = false;
  const big = s.sql(body).finally(() => (done = true));
  let healthChecks = 0;
  let worstHealthMs = 0;
  while (!done) {
    const t0 = performance.now();
    const h = await fetch(`${s.base}/health`);
    expect(h.status).toBe(200);
    await h.text();
    worstHealthMs = Math.max(worstHealthMs, performance.now() - t0);
    healthChecks++;
  }
  return { r: await big, healthChecks, worstHealthMs };
}

describe('debug SQL answer size', () => {
  it('refuses a value past the bound with 413 and keeps /health prompt meanwhile', async () => {
    // 530 MB in one value: wider than the default 64 MiB bound (and near V8's string limit).
    const { r, healthChecks, worstHealthMs } = await whileHealthy({ sql: "SELECT repeat(repeat('x', 1000), 530000) AS big" });
    console.log(`530 MB value: ${r.status} after ${Math.round(r.ms)} ms; ${healthChecks} /health meanwhile, slowest ${Math.round(worstHealthMs)} ms`);
    expect(r.status, r.text.slice(0, 300)).toBe(413);
    expect(r.json()).toMatchObject({ code: 'payload_too_large' });
    expect(healthChecks).toBeGreaterThan(0);
    expect(worstHealthMs).toBeLessThan(1000);
  });

  it('refuses 413 in CSV and Arrow too, and for many rows adding up past the bound', async () => {
    for (const format of ['json', 'csv', 'arrow']) {
      const one = await s.sql({ sql: "SELECT repeat(repeat('x', 1000), 70000) AS big", format });
      expect(one.status, `${format}: ${one.text.slice(0, 200)}`).toBe(413);
      const many = await s.sql({ sql: "SELECT repeat('y', 1000) AS r FROM range(70000)", format, max_rows: 100_000 });
      expect(many.status, `${format}: ${many.text.slice(0, 200)}`).toBe(413);
      expect(many.json()).toMatchObject({ code: 'payload_too_large' });
    }
  });

  it('sends an answer just within the bound whole, with /health prompt meanwhile', async () => {
    const n = 60 * 1000 * 1000;
    const { r, healthChecks, worstHealthMs } = await whileHealthy({ sql: `SELECT repeat(repeat('x', 1000), ${n / 1000}) AS big` });
    console.log(`60 MB answer: ${r.status}, ${Math.round(r.bytes.byteLength / MiB)} MiB after ${Math.round(r.ms)} ms; ${healthChecks} /health meanwhile, slowest ${Math.round(worstHealthMs)} ms`);
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const body = r.json() as { rows: string[][]; row_count: number };
    expect(body.row_count).toBe(1);
    expect(body.rows[0]![0]!.length).toBe(n);
    expect(/^x+$/.test(body.rows[0]![0]!)).toBe(true);
    expect(worstHealthMs).toBeLessThan(1000);
  });
});
