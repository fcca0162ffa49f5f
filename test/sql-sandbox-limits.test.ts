// The debug SQL endpoint's limits hold: a query past its time limit is answered 504 within
// a small margin even when DuckDB cannot interrupt it (its sandbox process is killed and
// replaced); a memory-hungry query stays within the sandbox's stated bound and leaves the
// server's memory alone; max_rows bounds the work, not only the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { MiB, dataLimitOf, descendants, memorySampler, rssOf, sqlServer } from './sql-sandbox-fixture.ts';
import type { SqlServer } from './sql-sandbox-fixture.ts';

const MEMORY_MB = 1024;
const dir = tempDir('sqllim-');
let s: SqlServer;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 5000, 4);
  s = await sqlServer(db, { engine: { sandbox: { processes: 1, memoryMb: MEMORY_MB } }, limits: { sqlTimeoutMs: 20_000 } });
});
afterAll(async () => {
  await s?.close();
  dir.cleanup();
});

/** Each figure goes to the report. */
const mib = (b: number) => `${Math.round(b / MiB)} MiB`;

describe('debug SQL limits', () => {
  it('answers 504 at the time limit even inside one long function call, then serves on', async () => {
    // repeat() builds its 400 MB string in one call, which DuckDB's interrupt cannot stop.
    const before = rssOf(process.pid);
    const sampler = memorySampler();
    const r = await s.sql({ sql: "SELECT length(repeat('x', 400000000)) AS n", timeout_ms: 1000 });
    const peak = sampler.stop();
    console.log(`uninterruptible query, limit 1000 ms: ${r.status} after ${Math.round(r.ms)} ms; server RSS before ${mib(before)}, peak ${mib(peak.self)}; sandbox process peak ${mib(peak.children)}`);
    expect(peak.children).toBeLessThanOrEqual(MEMORY_MB * MiB);
    expect(r.status, r.text).toBe(504);
    expect(r.json()).toMatchObject({ code: 'query_timeout' });
    expect(r.ms).toBeLessThan(1000 + 1000);
    // A new sandbox process answers the next query.
    const next = await s.sql({ sql: 'SELECT 42 AS x' });
    expect(next.status, next.text).toBe(200);
    expect(next.json()).toMatchObject({ rows: [[42]] });
    console.log(`after: server RSS ${mib(rssOf(process.pid))}; sandbox processes ${descendants().map((p) => mib(rssOf(p))).join(', ')}`);
  });

  it('keeps a hostile allocation within the sandbox bound and the server unaffected', async () => {
    const before = rssOf(process.pid);
    const sampler = memorySampler();
    const r = await s.sql({ sql: "SELECT length(repeat('x', 2000000000)) AS n", timeout_ms: 1000 });
    const peak = sampler.stop();
    const after = rssOf(process.pid);
    console.log(`hostile allocation: ${r.status} after ${Math.round(r.ms)} ms; server RSS before ${mib(before)}, peak ${mib(peak.self)}, after ${mib(after)}; sandbox process peak ${mib(peak.children)} (bound ${MEMORY_MB} MiB)`);
    // Refused for memory (400) or stopped at its limit (504), never answered or a 500.
    expect([400, 504], r.text).toContain(r.status);
    expect(r.ms).toBeLessThan(1000 + 1000);
    expect(peak.children).toBeLessThanOrEqual(MEMORY_MB * MiB);
    expect(peak.self - before).toBeLessThan(200 * MiB);
    expect(after - before).toBeLessThan(200 * MiB);
    // The kernel bounds every sandbox process's memory at the stated size.
    const pids = descendants();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(dataLimitOf(pid)).toBe(MEMORY_MB * MiB);
    expect((await s.sql({ sql: 'SELECT 43 AS x' })).json()).toMatchObject({ rows: [[43]] });
  });

  it('stops the work at max_rows + 1 rows', async () => {
    const before = rssOf(process.pid);
    // Five billion rows if read to the end.
    const r = await s.sql({ sql: 'SELECT * FROM fact_view CROSS JOIN range(1000000)', max_rows: 1, timeout_ms: 3000 });
    console.log(`max_rows 1 over 5e9 rows: ${r.status} after ${Math.round(r.ms)} ms`);
    expect(r.status, r.text).toBe(200);
    expect(r.json()).toMatchObject({ row_count: 1, truncated: true });
    expect((r.json()['rows'] as unknown[]).length).toBe(1);
    expect(rssOf(process.pid) - before).toBeLessThan(200 * MiB);
    // Exactly max_rows rows: not truncated; the rows themselves come back whole.
    const all = await s.sql({ sql: 'SELECT * FROM range(4096) t(i) ORDER BY i', max_rows: 4096 });
    expect(all.json()).toMatchObject({ row_count: 4096, truncated: false });
    expect((all.json()['rows'] as number[][]).map((x) => x[0])).toEqual(Array.from({ length: 4096 }, (_, i) => i));
    const cut = await s.sql({ sql: 'SELECT * FROM range(4097) t(i) ORDER BY i', max_rows: 4096, format: 'csv' });
    expect(cut.headers.get('x-row-count')).toBe('4096');
    expect(cut.headers.get('x-truncated')).toBe('true');
    expect(cut.text.trimEnd().split('\n').length).toBe(4097);
  });
});
