// Import from a real PostgreSQL: the old service's tables, exported with real COPY (CSV),
// real pg_dump (schema and data, and --data-only) and read live; every source must give
// the same analytics answers as the Parquet import of the same data. Without a server these
// are skipped, except in CI (CI=true), where that is a failure; the CSV and pg_dump
// importers are also tested on shipped exports (import-pg-fixtures.test.ts), server or not.
import { execFileSync } from 'node:child_process';
import { askBlog } from '../engine/index.ts';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import type { QuerySpec } from '../engine/index.ts';
import { formatUtc } from '../engine/values.ts';
import { importSnapshot } from '../data/import.ts';
import { ImportError } from '../data/source.ts';
import { dropSchema, loadDjangoSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';
import { postgresReference } from './pg-reference.ts';
import { expectSnapshotMatchesSource } from './snapshot-check.ts';

const reachable = await postgresForTests('the PostgreSQL import tests');


const TABLES = ['analytics_app_country', 'auth_user', 'analytics_app_blog', 'analytics_app_blogview'];
const schema = `bae_import_${process.pid}`;
const dir = tempDir('pgimp-');
const snaps: Record<string, string> = {};
/** The tables as PostgreSQL holds them, read with the pg client: the reference. */
let pgRef: Database;

// Windows in the engine's own form (formatUtc), as resolveWindow hands them over.
const end = formatUtc(END.getTime());
const SPECS: QuerySpec[] = [
  { kind: 'blog-views', objectType: 'country', window: { start: null, end }, filter: undefined, limit: 1000, offset: 0 },
  { kind: 'blog-views', objectType: 'user', window: { start: '2026-06-01 00:00:00.000000', end }, filter: undefined, limit: 1000, offset: 0 },
  { kind: 'top', topType: 'user', window: { start: null, end }, filter: undefined, limit: 100 },
  { kind: 'top', topType: 'country', window: { start: null, end }, filter: undefined, limit: 100 },
  { kind: 'performance', compare: 'month', userId: null, window: { start: null, end }, tz: 'Europe/Berlin', filter: undefined },
  { kind: 'performance', compare: 'week', userId: 1, window: { start: null, end }, tz: 'UTC', filter: undefined },
];

async function answers(db: string): Promise<unknown[]> {
  const e = await Engine.open(db);
  try {
    const out = [];
    for (const s of SPECS) out.push(await askBlog(e, s));
    // Top blogs, by id and views only: five titles were rewritten for the PostgreSQL load.
    const top = await askBlog(e, { kind: 'top', topType: 'blog', window: { start: null, end }, filter: undefined, limit: 100 });
    out.push(top.kind === 'grouped' ? top.rows.map((r) => [r.id, r.z, r.y]) : top);
    return out;
  } finally {
    e.close();
  }
}

async function copyCsv(table: string, file: string): Promise<void> {
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`SET TIME ZONE 'UTC'`);
    await pipeline(client.query(copyTo(`COPY ${schema}.${table} TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(file));
  } finally {
    await client.end();
  }
}

describe.skipIf(!reachable)('import from PostgreSQL', () => {
  beforeAll(async () => {
    const { parquet, db } = await generatedSnapshot(dir.path, 20_000, 9);
    snaps['parquet'] = db;
    await loadDjangoSchema(schema, parquet, dir.path);
    const refDir = join(dir.path, 'pg-rows');
    mkdirSync(refDir);
    pgRef = await postgresReference(schema, refDir);
    const csv = join(dir.path, 'csv');
    mkdirSync(csv);
    for (const t of TABLES) await copyCsv(t, join(csv, `${t}.csv`));
    const url = new URL(PGURL);
    const dump = (file: string, extra: string[]) =>
      execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner', '-f', file, ...extra], { env: { ...process.env, PGTZ: 'UTC' } });
    dump(join(dir.path, 'dump.sql'), []);
    dump(join(dir.path, 'data-only.sql'), ['--data-only']);
    expect(url.protocol).toBe('postgres:');
    for (const [name, source, extra] of [
      ['csv', csv, {}],
      ['dump', join(dir.path, 'dump.sql'), {}],
      ['dataOnly', join(dir.path, 'data-only.sql'), {}],
      ['live', PGURL, { schema }],
    ] as const) {
      snaps[name] = join(dir.path, `${name}.duckdb`);
      await importSnapshot({ source, dbPath: snaps[name]!, ...extra });
    }
  }, 180_000);

  afterAll(async () => {
    pgRef?.close();
    if (reachable) await dropSchema(schema);
    dir.cleanup();
  });

  for (const source of ['csv', 'dump', 'dataOnly', 'live']) {
    it(`${source}: the snapshot holds exactly PostgreSQL's rows, in every table, fact column, rollup and blog set`, async () => {
      await expectSnapshotMatchesSource(snaps[source]!, pgRef, { blogSets: true });
    });

    it(`${source}: the same analytics answers as the Parquet import`, async () => {
      const [want, got] = await Promise.all([answers(snaps['parquet']!), answers(snaps[source]!)]);
      expect(got).toEqual(want);
      expect(JSON.stringify(want).length).toBeGreaterThan(10_000);
    });

    it(`${source}: text survives every escape, and no secret reaches the snapshot`, async () => {
      const e = await Engine.open(snaps[source]!);
      try {
        const { rows } = await e.db.query(`SELECT id, title FROM blog WHERE id <= 5 ORDER BY id`);
        expect(rows.map((r) => r['title'])).toEqual(['tab\there', 'line\nbreak and \\ back\\slash', '\\N', `quote " and ' and , comma`, '']);
        const cols = await e.db.query(`SELECT count(*) AS n FROM duckdb_columns() WHERE column_name IN ('password', 'email', 'content', 'is_staff')`);
        expect(cols.rows[0]!['n']).toBe(0);
      } finally {
        e.close();
      }
      const bytes = readFileSync(snaps[source]!);
      expect(bytes.includes('pbkdf2_sha256')).toBe(false);
      expect(bytes.includes('@example.com')).toBe(false);
    });
  }

  it('records the live source without its password', async () => {
    const e = await Engine.open(snaps['live']!);
    try {
      expect(e.meta.sourceKind).toBe('postgres');
      expect(e.meta.source).not.toMatch(/:[^/@]*@.*:.*@/);
    } finally {
      e.close();
    }
  });

  describe('bad rows stop the import, name the place, and keep the previous snapshot', () => {
    const target = () => join(dir.path, 'kept.duckdb');
    let before: Buffer;
    beforeAll(() => {
      copyFileSync(snaps['parquet']!, target());
      before = readFileSync(target());
    });

    async function fails(source: string): Promise<string> {
      try {
        await importSnapshot({ source, dbPath: target() });
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
        expect(readFileSync(target()).equals(before)).toBe(true);
        expect(readdirSync(dir.path).filter((f) => f.startsWith('kept.duckdb.'))).toEqual([]);
        return (e as Error).message;
      }
      throw new Error('import succeeded');
    }

    /** The CSV folder with one data row of one file rewritten. */
    function csvWith(name: string, table: string, row: number, edit: (fields: string[]) => string[]): string {
      const out = join(dir.path, `csv-${name}`);
      mkdirSync(out);
      for (const t of TABLES) copyFileSync(join(dir.path, 'csv', `${t}.csv`), join(out, `${t}.csv`));
      const lines = readFileSync(join(out, `${table}.csv`), 'utf8').split('\n');
      lines[row] = edit(lines[row]!.split(',')).join(',');
      writeFileSync(join(out, `${table}.csv`), lines.join('\n'));
      return out;
    }

    it('CSV: unparseable value, null in a required column, broken reference, duplicate id', async () => {
      // blogview columns: id, blog_id, user_id, country_id, viewed_at, duration
      expect(await fails(csvWith('parse', 'analytics_app_blogview', 10, (f) => [...f.slice(0, 5), '12x']))).toMatch(
        /table 'blog_view' \(.*analytics_app_blogview\.csv, row 10\), column 'duration': cannot read '12x' as INTEGER/,
      );
      expect(await fails(csvWith('null', 'analytics_app_blogview', 20, (f) => [...f.slice(0, 4), '', f[5]!]))).toMatch(
        /table 'blog_view' \(.*row 20\), column 'viewed_at': null in a required column/,
      );
      expect(await fails(csvWith('ref', 'analytics_app_blogview', 30, (f) => [f[0]!, '99999999', ...f.slice(2)]))).toMatch(
        /table 'blog_view' \(.*row 30\), column 'blog_id': 99999999 references no row of table 'blog'/,
      );
      expect(await fails(csvWith('dup', 'analytics_app_country', 3, (f) => ['1', ...f.slice(1)]))).toMatch(
        /table 'country' \(.*analytics_app_country\.csv, row 3\), column 'id': duplicate value '1'/,
      );
      expect(await fails(csvWith('ts', 'analytics_app_blogview', 40, (f) => [...f.slice(0, 4), '2026-02-30 10:00:00+00', f[5]!]))).toMatch(
        /row 40\), column 'viewed_at': cannot read '2026-02-30 10:00:00\+00' as TIMESTAMP/,
      );
    });

    it('pg_dump: the message names the file line of a bad value', async () => {
      const lines = readFileSync(join(dir.path, 'dump.sql'), 'utf8').split('\n');
      const copyAt = lines.findIndex((l) => l.startsWith(`COPY ${schema}.analytics_app_blogview `));
      expect(copyAt).toBeGreaterThan(0);
      const bad = copyAt + 1 + 100; // the 101st data row, 0-based index
      const f = lines[bad]!.split('\t');
      f[5] = 'lots';
      lines[bad] = f.join('\t');
      const file = join(dir.path, 'bad-dump.sql');
      writeFileSync(file, lines.join('\n'));
      expect(await fails(file)).toMatch(new RegExp(`bad-dump\\.sql, line ${bad + 1}\\), column 'duration': cannot read 'lots' as INTEGER`));
      const cut = join(dir.path, 'truncated.sql');
      writeFileSync(cut, lines.slice(0, bad).join('\n'));
      expect(await fails(cut)).toMatch(/no end marker|no COPY block/);
    });

    it('live: a missing table or column is named', async () => {
      expect(await fails(`${PGURL}?application_name=bae`).catch((e: Error) => e.message)).toMatch(/no table in schema 'public'|missing column/);
    });
  });
});
