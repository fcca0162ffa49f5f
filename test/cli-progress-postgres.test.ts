// Progress lines (off a terminal) of the two PostgreSQL sources: a pg_dump file is read in
// bytes, a live database copied table by table in rows; the figures are checked against the
// file's size and PostgreSQL's own counts.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../data/generate.ts';
import { amount } from '../data/progress-report.ts';
import { dropSchema, loadDjangoSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';

const reachable = await postgresForTests('the PostgreSQL progress tests');

const schema = `bae_cliprogress_${process.pid}`;
const dir = tempDir('cli-progress-pg-');
const dump = join(dir.path, 'dump.sql');
const TABLES: [string, string][] = [
  ['analytics_app_country', 'country'],
  ['auth_user', 'user'],
  ['analytics_app_blog', 'blog'],
  ['analytics_app_blogview', 'blog_view'],
];
const counts: Record<string, number> = {};
const n = (x: number) => x.toLocaleString('en-US');
const SECONDS = String.raw`\d+\.\d s`;

describe.skipIf(!reachable)('import from PostgreSQL, off a terminal', () => {
  beforeAll(async () => {
    const parquet = join(dir.path, 'parquet');
    await generate({ views: 4000, seed: 9, out: parquet, end: END });
    await loadDjangoSchema(schema, parquet, dir.path);
    const client = new pg.Client({ connectionString: PGURL });
    await client.connect();
    try {
      for (const [t] of TABLES) counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${schema}.${t}`)).rows[0].n);
    } finally {
      await client.end();
    }
    execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner', '-f', dump], { env: { ...process.env, PGTZ: 'UTC' } });
  });
  afterAll(async () => {
    if (reachable) await dropSchema(schema);
    dir.cleanup();
  });

  it('pg_dump: the bytes of the dump, then the rows of each table', async () => {
    const r = await runCli('data/import-cli.ts', [dump, '--db', join(dir.path, 'd.duckdb')], { DEBUG: undefined });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const size = amount(statSync(dump).size, 'bytes').replace('.', '\\.');
    expect(lines[0]).toMatch(new RegExp(`^reading dump\\.sql: ${size} in ${SECONDS}`));
    for (const [t, name] of TABLES) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^loading ${name}: ${n(counts[t]!)} rows in ${SECONDS}`)));
    expect(lines).toContainEqual(expect.stringMatching(/^rollups: \d+ statements in /));
  });

  it('live: the rows copied from each table, then loaded', async () => {
    const r = await runCli('data/import-cli.ts', [PGURL, '--schema', schema, '--db', join(dir.path, 'l.duckdb')], { DEBUG: undefined });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    TABLES.forEach(([t], i) => expect(lines[i]).toMatch(new RegExp(`^copying ${schema}\\.${t}: ${n(counts[t]!)} rows in ${SECONDS}`)));
    for (const [t, name] of TABLES) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^loading ${name}: ${n(counts[t]!)} rows in ${SECONDS}`)));
  });
});
