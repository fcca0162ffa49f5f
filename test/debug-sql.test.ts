// POST /api/v1/debug/sql: only with the token, one read-only SELECT, enforced by DuckDB;
// files, network, extensions, ATTACH, COPY, EXPORT, settings, several statements, getenv
// and a runaway query are each refused or stopped; the token is never echoed; the tables
// stay intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { parquetReference } from './reference.ts';

const TOKEN = 'debug-token-0123456789';
const dir = tempDir('dsql-');
let engine: Engine;
let app: FastifyInstance;
let base: string;
let source: string;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 5000, 3);
  source = join(dir.path, 'parquet');
  engine = await Engine.open(db);
  // The sandbox processes start before the first timed request.
  await engine.sandbox!.warm();
  app = await buildApp({ engine: () => engine, debugToken: TOKEN, limits: { sqlTimeoutMs: 1500 } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

async function sql(body: Record<string, unknown>, headers: Record<string, string> = auth) {
  const res = await fetch(`${base}/api/v1/debug/sql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  expect(text).not.toContain(TOKEN);
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('debug SQL', () => {
  it('does not exist without a configured token', async () => {
    const plain = await buildApp({ engine: () => engine });
    try {
      expect((await plain.inject({ method: 'POST', url: '/api/v1/debug/sql', payload: { sql: 'SELECT 1' } })).statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('is 401 without the token or with a wrong one', async () => {
    const headers: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }];
    for (const h of headers) {
      const r = await sql({ sql: 'SELECT 1' }, h);
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({ code: 'unauthorized' });
    }
  });

  it('answers a query over the four tables, with names, types and bound params', async () => {
    const r = await sql({ sql: `SELECT c.name, count(*) AS views FROM blog_view v JOIN country c ON c.id = v.country_id WHERE v.duration > $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3`, params: [10] });
    expect(r.status).toBe(200);
    const body = r.json() as { columns: { name: string; type: string }[]; rows: unknown[][]; row_count: number; truncated: boolean; elapsed_ms: number };
    expect(body.columns).toEqual([{ name: 'name', type: 'VARCHAR' }, { name: 'views', type: 'BIGINT' }]);
    expect(body.row_count).toBe(3);
    expect(body.truncated).toBe(false);
    // The same query over the source files: the four tables answer with the source's rows.
    const ref = await parquetReference(source);
    try {
      const check = await ref.query(`SELECT c.name, count(*) AS views FROM blog_view v JOIN country c ON c.id = v.country_id WHERE v.duration > 10 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3`);
      expect(body.rows).toEqual(check.rows.map((x) => [x['name'], x['views']]));
    } finally {
      ref.close();
    }
    for (const t of ['country', 'user', 'blog', 'blog_view']) expect((await sql({ sql: `SELECT count(*) FROM "${t}"` })).status).toBe(200);
  });

  it('limits rows and says so', async () => {
    const r = (await sql({ sql: 'SELECT id FROM blog_view ORDER BY id', max_rows: 7 })).json();
    expect(r).toMatchObject({ row_count: 7, truncated: true });
    expect((await sql({ sql: 'SELECT 1', max_rows: 100_001 })).status).toBe(400);
  });

  it('explains', async () => {
    const r = (await sql({ sql: 'SELECT blog_id, count(*) FROM blog_view WHERE duration > $1 GROUP BY 1', params: [5], explain: true })).json() as { rows: unknown[][] };
    expect(r.rows[0]![0]).toBe('physical_plan');
    expect(JSON.stringify(r.rows)).toMatch(/HASH_GROUP_BY|SCAN/);
  });

  it('speaks CSV and Arrow', async () => {
    const csv = await fetch(`${base}/api/v1/debug/sql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT 1 AS a, 1 AS a, \'x,y\' AS b', format: 'csv' }) });
    expect(await csv.text()).toBe('a,a,b\n1,1,"x,y"\n');
    const arrow = await fetch(`${base}/api/v1/debug/sql`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'application/vnd.apache.arrow.stream' }, body: JSON.stringify({ sql: 'SELECT id, title FROM blog ORDER BY id LIMIT 4' }) });
    const { tableFromIPC } = await import('apache-arrow');
    const t = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(t.numRows).toBe(4);
  });

  it('refuses files, network, extensions, writes, settings and several statements', async () => {
    const counts = async () => (await engine.db.query(`SELECT (SELECT count(*) FROM blog) AS b, (SELECT count(*) FROM fact_view) AS v, (SELECT count(*) FROM "user") AS u`)).rows[0];
    const before = await counts();
    const hostile = [
      `SELECT * FROM read_csv('/etc/passwd')`,
      `SELECT * FROM read_text('/etc/passwd')`,
      `SELECT * FROM '/etc/passwd'`,
      `SELECT * FROM read_parquet('${dir.path}/parquet/blog.parquet')`,
      `SELECT * FROM read_json_auto('http://127.0.0.1:1/x.json')`,
      `COPY blog TO '/tmp/stolen.csv'`,
      `COPY (SELECT 1) TO '/tmp/x.csv'`,
      `CREATE TABLE x AS SELECT 1`,
      `DELETE FROM blog`,
      `DROP TABLE blog`,
      `UPDATE blog SET title = 'x'`,
      `INSERT INTO country VALUES (999, 'x', 'x')`,
      `EXPORT DATABASE '/tmp/exported'`,
      `ATTACH '/tmp/other.duckdb' AS o`,
      `INSTALL httpfs`,
      `LOAD httpfs`,
      `SET threads = 1`,
      `SET enable_external_access = true`,
      `PRAGMA threads = 1`,
      `RESET lock_configuration`,
      `SELECT 1; SELECT 2`,
      `SELECT 1; DROP TABLE blog`,
      `SELECT getenv('HOME')`,
      `CALL pragma_version()`,
      `SELECT * FROM glob('/etc/*')`,
      `CHECKPOINT`,
      `VACUUM`,
    ];
    for (const q of hostile) {
      const r = await sql({ sql: q });
      expect(r.status, `${q}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status, q).toBeLessThan(500);
      expect(r.text, q).not.toMatch(/root:x:0:0/);
    }
    expect(await counts()).toEqual(before);
  });

  it('stops a runaway query at the time limit with a 504', async () => {
    const t0 = Date.now();
    const r = await sql({ sql: 'SELECT count(*) FROM blog_view a, blog_view b, blog_view c' });
    expect(r.status).toBe(504);
    expect(r.json()).toMatchObject({ code: 'query_timeout' });
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The connection is usable afterwards.
    expect((await sql({ sql: 'SELECT 42 AS x' })).json()).toMatchObject({ rows: [[42]] });
  });

  it('rejects malformed bodies with 400s', async () => {
    for (const b of [{}, { sql: '' }, { sql: 5 }, { sql: 'SELECT 1', params: 'x' }, { sql: 'SELECT $1', params: [] }, { sql: 'SELEC 1' }, { sql: 'SELECT 1', max_rows: 0 }]) {
      const r = await sql(b);
      expect(r.status, JSON.stringify(b)).toBe(400);
    }
  });
});
