// SOURCE and --db paths are read literally: `*`, `?` and `[` are wildcards to DuckDB's
// readers, so a folder `u?` once also read its sibling `ux` (and exited 0), and `a[1]` read
// `a1` instead of itself. Each case compares the snapshot with the folder's own files, read
// by a separate DuckDB from a plain copy of them.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { ImportError } from '../data/source.ts';
import { dropSchema, loadDjangoSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, tempDir } from './helpers.ts';
import { execFileSync } from 'node:child_process';

const dir = tempDir('litpath-');
const gen = join(dir.path, 'gen');
let scratch: Database;

/** count and sum of ids of a Parquet file at a path without wildcard characters. */
async function own(table: string): Promise<{ n: number; s: number }> {
  const { rows } = await scratch.query(`SELECT count(*) AS n, sum(id)::BIGINT AS s FROM read_parquet($1)`, [join(gen, `${table}.parquet`)]);
  return { n: Number(rows[0]!['n']), s: Number(rows[0]!['s']) };
}

async function loaded(db: string, table: string): Promise<{ n: number; s: number }> {
  const d = await Database.open(db, { readOnly: true });
  try {
    const { rows } = await d.query(`SELECT count(*) AS n, sum(id)::BIGINT AS s FROM "${table}"`);
    return { n: Number(rows[0]!['n']), s: Number(rows[0]!['s']) };
  } finally {
    d.close();
  }
}

/** A sibling that a wildcard would match: the views again, under other ids (no clash, so
 *  a glob that reads both loads silently). */
async function sibling(name: string, format: 'parquet' | 'csv'): Promise<void> {
  mkdirSync(join(dir.path, name));
  await scratch.query(`COPY (SELECT * REPLACE (id + 1000000 AS id) FROM read_parquet($1)) TO $2 (FORMAT ${format}${format === 'csv' ? ', HEADER' : ''})`, [
    join(gen, 'blog_view.parquet'),
    join(dir.path, name, `blog_view.${format}`),
  ]);
}

beforeAll(async () => {
  await generate({ views: 3000, seed: 5, out: gen, end: END });
  scratch = await Database.open(':memory:');
  for (const name of ['u?', 'a[1]', 'st*r']) cpSync(gen, join(dir.path, name), { recursive: true });
  for (const name of ['ux', 'a1', 'stXr']) await sibling(name, 'parquet');
  // The same as CSV files.
  mkdirSync(join(dir.path, 'c?'));
  for (const t of ['country', 'user', 'blog', 'blog_view'])
    await scratch.query(`COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT csv, HEADER)`, [join(gen, `${t}.parquet`), join(dir.path, 'c?', `${t}.csv`)]);
  await sibling('cx', 'csv');
});
afterAll(() => {
  scratch?.close();
  dir.cleanup();
});

describe('paths with wildcard characters', () => {
  for (const name of ['u?', 'a[1]', 'st*r', 'c?']) {
    it(`a source folder named ${name} loads its own files only`, async () => {
      const db = join(dir.path, `${name.replace(/\W/g, '_')}.duckdb`);
      const meta = await importSnapshot({ source: join(dir.path, name), dbPath: db });
      const want = await own('blog_view');
      expect(meta.rows['blog_view']).toBe(want.n);
      expect(await loaded(db, 'blog_view')).toEqual(want);
      expect(await loaded(db, 'country')).toEqual(await own('country'));
    });
  }

  it('a source with wildcard characters that does not exist is an error, not a pattern', async () => {
    const err = await importSnapshot({ source: join(dir.path, 'u*'), dbPath: join(dir.path, 'none.duckdb') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toBe(`source ${join(dir.path, 'u*')} does not exist`);
  });

  it('a snapshot path with a ? is refused by name (DuckDB reads what follows it as options)', async () => {
    const db = join(dir.path, 'snap?', 'x.duckdb');
    const err = await importSnapshot({ source: gen, dbPath: db }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toBe(`snapshot path ${db} holds a '?', which DuckDB cannot open: choose a path without one`);
  });
});

const reachable = await postgresForTests('the wildcard snapshot-path tests of pg_dump and live sources');
const schema = `bae_litpath_${process.pid}`;

describe.skipIf(!reachable)('a snapshot path with wildcard characters (pg_dump and live sources extract files beside it)', () => {
  beforeAll(async () => {
    await loadDjangoSchema(schema, gen, dir.path);
    execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner', '-f', join(dir.path, 'dump.sql')], { env: { ...process.env, PGTZ: 'UTC' } });
    // What `snap[1]/...` would match if it were a pattern.
    mkdirSync(join(dir.path, 'snap1'));
  }, 120_000);
  afterAll(async () => {
    if (reachable) await dropSchema(schema);
  });

  it('pg_dump into snap[1]/x.duckdb, live into snap*/x.duckdb', async () => {
    const want = await own('blog_view');
    const a = join(dir.path, 'snap[1]', 'x.duckdb');
    await importSnapshot({ source: join(dir.path, 'dump.sql'), dbPath: a });
    expect(await loaded(a, 'blog_view')).toEqual(want);
    mkdirSync(join(dir.path, 'snapX'));
    const b = join(dir.path, 'snap*', 'x.duckdb');
    await importSnapshot({ source: PGURL, schema, dbPath: b });
    expect(await loaded(b, 'blog_view')).toEqual(want);
  });
});
