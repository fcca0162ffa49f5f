// The CSV and pg_dump importers on real PostgreSQL exports shipped with the tests
// (test/fixtures/pg, made by its remake.ts from rows it writes out itself), so that they are
// tested with no server: every snapshot table, fact column, rollup and blog set must equal
// the rows in fixtures/pg/expected, read by a DuckDB of their own.
import { copyFileSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { importSnapshot } from '../data/import.ts';
import { ImportError } from '../data/source.ts';
import { tempDir } from './helpers.ts';
import { jsonReference } from './reference.ts';
import { expectSnapshotMatchesSource } from './snapshot-check.ts';

const FIX = fileURLToPath(new URL('./fixtures/pg/', import.meta.url));
const SOURCES = { csv: join(FIX, 'csv'), dump: join(FIX, 'dump.sql'), dataOnly: join(FIX, 'data-only.sql') } as const;
const dir = tempDir('pgfix-');
let ref: Database;

beforeAll(async () => {
  ref = await jsonReference(join(FIX, 'expected'));
});
afterAll(() => {
  ref?.close();
  dir.cleanup();
});

const text = (file: string) => readFileSync(file, 'utf8');

describe('the fixtures hold the awkward cases', () => {
  it('CSV: unquoted nulls beside quoted empty strings, quoted newlines and quotes, literal \\N and \\., offsets either side of DST', () => {
    const country = text(join(SOURCES.csv, 'analytics_app_country.csv'));
    expect(country).toMatch(/^4,"Land ""quoted""",$/m);
    expect(country).toMatch(/^5,tab\there,""$/m);
    expect(country).toMatch(/^7,\\N,\\N$/m);
    const blog = text(join(SOURCES.csv, 'analytics_app_blog.csv'));
    expect(blog).toContain('"two\n\\.\nlines body 6"');
    expect(blog).toContain('"cr\r\nlf"');
    expect(blog).toMatch(/\+01,/);
    expect(blog).toMatch(/\+02,/);
  });

  it('pg_dump: \\N nulls beside escaped backslashes, escaped control characters, offsets of New York and Kolkata', () => {
    const dump = text(SOURCES.dump);
    expect(dump).toMatch(/^CREATE TABLE /m);
    expect(dump).toContain('\tline\\nbreak\t\\\\N body 1\t');
    expect(dump).toContain('\t\\\\\\\\N\t');
    expect(dump).toMatch(/\t\\N\t2025-10-25 21:30:00-04\t/);
    expect(dump).toMatch(/-05\t/);
    const dataOnly = text(SOURCES.dataOnly);
    expect(dataOnly).not.toMatch(/^CREATE TABLE /m);
    expect(dataOnly).toMatch(/\+05:30\t/);
  });
});

describe('import of each fixture', () => {
  for (const [name, source] of Object.entries(SOURCES)) {
    it(`${name}: the snapshot holds exactly the expected rows, and nothing else of the source`, async () => {
      const db = join(dir.path, `${name}.duckdb`);
      const meta = await importSnapshot({ source, dbPath: db });
      expect(meta.sourceKind).toBe(name === 'csv' ? 'csv' : 'pg_dump');
      expect(meta.rows).toEqual({ country: 8, user: 12, blog: 15, blog_view: 42 });
      await expectSnapshotMatchesSource(db, ref, { blogSets: true });
      const bytes = readFileSync(db);
      for (const secret of ['pbkdf2_sha256', '@example.com', ' body 1']) expect(bytes.includes(secret), secret).toBe(false);
    });
  }
});

describe('bad rows name their place, from the fixtures', () => {
  const previous = join(dir.path, 'previous.duckdb');
  beforeAll(async () => {
    await importSnapshot({ source: SOURCES.dump, dbPath: previous });
  });

  /** The import's message; the snapshot it would have replaced is left as it was. */
  async function fails(source: string): Promise<string> {
    const target = join(dir.path, 'kept.duckdb');
    copyFileSync(previous, target);
    const before = readFileSync(target);
    try {
      await importSnapshot({ source, dbPath: target });
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      expect(readFileSync(target).equals(before)).toBe(true);
      return (e as Error).message;
    }
    throw new Error('import succeeded');
  }

  it('CSV: rows are counted as records, across quoted newlines', async () => {
    const out = join(dir.path, 'csv-bad');
    cpSync(SOURCES.csv, out, { recursive: true });
    const file = join(out, 'analytics_app_blog.csv');
    const blog = text(file);
    expect(blog).toContain('2024-02-29 13:00:00+01,');
    writeFileSync(file, blog.replace('2024-02-29 13:00:00+01,', '2024-02-30 13:00:00+01,'));
    expect(readdirSync(out).length).toBe(4);
    // Blog 8 is the 8th record, though quoted newlines put it on a later line of the file.
    expect(await fails(out)).toMatch(/table 'blog' \(.*analytics_app_blog\.csv, row 8\), column 'created_at': cannot read '2024-02-30 13:00:00\+01' as TIMESTAMP/);
  });

  it('pg_dump: the message names the line of the file', async () => {
    const lines = text(SOURCES.dataOnly).split('\n');
    const copyAt = lines.findIndex((l) => / analytics_app_blogview \(/.test(l) || /\.analytics_app_blogview \(/.test(l));
    expect(copyAt).toBeGreaterThan(0);
    const bad = copyAt + 5;
    const f = lines[bad]!.split('\t');
    f[5] = 'lots';
    lines[bad] = f.join('\t');
    const file = join(dir.path, 'bad-dump.sql');
    writeFileSync(file, lines.join('\n'));
    expect(await fails(file)).toMatch(new RegExp(`bad-dump\\.sql, line ${bad + 1}\\), column 'duration': cannot read 'lots' as INTEGER`));
  });
});
