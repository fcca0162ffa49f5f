// Hostile input: every bad value stops the import with an ImportError naming the table, the
// file, the row or line (where there is one) and the column, and leaves the previous
// snapshot as it was; every value PostgreSQL can write is loaded or refused by name. The
// CLI prints that message as one line on stderr and exits non-zero, without a stack trace.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { ImportError } from '../data/source.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('hostile-');
const parquet = join(dir.path, 'parquet');
const csv = join(dir.path, 'csv');
const target = join(dir.path, 'snap.duckdb');
const TABLES = ['country', 'user', 'blog', 'blog_view'];
let scratch: Database;
let before: Buffer;

beforeAll(async () => {
  // More views than DuckDB's CSV sniffer samples (20,480 rows): bad rows sit past it.
  await generate({ views: 30_000, seed: 11, out: parquet, end: END });
  scratch = await Database.open(':memory:');
  mkdirSync(csv);
  for (const t of TABLES) await scratch.query(`COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT csv, HEADER)`, [join(parquet, `${t}.parquet`), join(csv, `${t}.csv`)]);
  await importSnapshot({ source: csv, dbPath: target });
  before = readFileSync(target);
});
afterAll(() => {
  scratch?.close();
  dir.cleanup();
});

/** The CSV folder with lines of one file rewritten (line 0 is the header). */
function csvWith(name: string, table: string, edit: (lines: string[]) => void): { dir: string; file: string } {
  const out = join(dir.path, name);
  cpSync(csv, out, { recursive: true });
  const file = join(out, `${table}.csv`);
  const lines = readFileSync(file, 'utf8').split('\n');
  edit(lines);
  writeFileSync(file, lines.join('\n'));
  return { dir: out, file };
}

const setField = (i: number, value: string) => (line: string) => line.split(',').map((f, j) => (j === i ? value : f)).join(',');
const VIEWED_AT = 4;

async function fails(source: string): Promise<string> {
  try {
    await importSnapshot({ source, dbPath: target });
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(readdirSync(dir.path).filter((f) => f.startsWith('snap.duckdb.'))).toEqual([]);
    return (e as Error).message;
  }
  throw new Error('import succeeded');
}

describe('CSV', () => {
  it('a row with a field too many, past the sniffer sample', async () => {
    const v = csvWith('extra', 'blog_view', (l) => (l[25_000] += ',7'));
    expect(await fails(v.dir)).toBe(`table 'blog_view' (${v.file}, row 25000): cannot split the row: expected 6 fields, found 7`);
  });

  it('a row with fields missing', async () => {
    const v = csvWith('fewer', 'blog_view', (l) => (l[25_001] = l[25_001]!.split(',').slice(0, 4).join(',')));
    expect(await fails(v.dir)).toBe(`table 'blog_view' (${v.file}, row 25001), column 'viewed_at': cannot split the row: expected 6 fields, found 4`);
  });

  it('a quote that is never closed', async () => {
    const v = csvWith('quote', 'blog_view', (l) => (l[25_002] = setField(1, '"12')(l[25_002]!)));
    expect(await fails(v.dir)).toBe(
      `table 'blog_view' (${v.file}, row 25002), column 'blog_id': cannot split the row: a quoted value is not closed (or text follows its closing quote)`,
    );
  });

  it('text that is not UTF-8', async () => {
    const out = join(dir.path, 'latin1');
    cpSync(csv, out, { recursive: true });
    const file = join(out, 'blog.csv');
    const lines = readFileSync(file, 'latin1').split('\n');
    lines[100] = setField(1, 'caf\xe9 in Latin-1')(lines[100]!);
    writeFileSync(file, Buffer.from(lines.join('\n'), 'latin1'));
    expect(await fails(out)).toBe(`table 'blog' (${file}, row 100), column 'title': the row is not valid UTF-8`);
  });

  it("'infinity' and '-infinity' timestamps are refused by name", async () => {
    const a = csvWith('inf', 'blog_view', (l) => (l[25_003] = setField(VIEWED_AT, 'infinity')(l[25_003]!)));
    expect(await fails(a.dir)).toBe(`table 'blog_view' (${a.file}, row 25003), column 'viewed_at': 'infinity' is not an instant (infinite timestamps are refused)`);
    const b = csvWith('ninf', 'user', (l) => (l[7] = setField(4, '-infinity')(l[7]!)));
    expect(await fails(b.dir)).toBe(`table 'user' (${b.file}, row 7), column 'date_joined': '-infinity' is not an instant (infinite timestamps are refused)`);
  });

  it('years past 9999 and before 1 are refused by name', async () => {
    const a = csvWith('y10k', 'blog_view', (l) => (l[25_004] = setField(VIEWED_AT, '10000-01-01 00:00:00+00')(l[25_004]!)));
    expect(await fails(a.dir)).toBe(`table 'blog_view' (${a.file}, row 25004), column 'viewed_at': '10000-01-01 00:00:00' is outside the years 0001 to 9999`);
    const b = csvWith('bc', 'blog', (l) => (l[3] = l[3]!.replace(/,([^,]*)$/, ',0044-03-15 00:00:00+00 BC')));
    expect(await fails(b.dir)).toBe(
      `table 'blog' (${b.file}, row 3), column 'created_at': cannot read '0044-03-15 00:00:00+00 BC' as TIMESTAMP (an instant in the years 0001 to 9999)`,
    );
  });

  it('a 10 MB title and a 10 MB content column load, even in the first row', async () => {
    const out = join(dir.path, 'big');
    cpSync(csv, out, { recursive: true });
    const title = `SELECT 'a "quoted", title' || chr(10) || repeat('t', 10 << 20) AS t`;
    await scratch.query(
      `COPY (SELECT id, CASE WHEN id = 1 THEN (${title}) ELSE title END AS title, CASE WHEN id = 2 THEN repeat('c', 10 << 20) ELSE 'body' END AS content,
         author_id, country_id, created_at FROM read_parquet($1)) TO $2 (FORMAT csv, HEADER)`,
      [join(parquet, 'blog.parquet'), join(out, 'blog.csv')],
    );
    const db = join(dir.path, 'big.duckdb');
    await importSnapshot({ source: out, dbPath: db });
    const want = (await scratch.query(`SELECT length(t) AS n, md5(t) AS h FROM (${title})`)).rows[0];
    const snap = await Database.open(db, { readOnly: true });
    try {
      expect((await snap.query(`SELECT length(title) AS n, md5(title) AS h FROM blog WHERE id = 1`)).rows[0]).toEqual(want);
      expect(Number(want!['n'])).toBeGreaterThan(10 << 20);
    } finally {
      snap.close();
    }
  });
});

describe('Parquet', () => {
  async function viewsWith(name: string, sql: string): Promise<{ dir: string; file: string }> {
    const out = join(dir.path, name);
    cpSync(parquet, out, { recursive: true });
    const file = join(out, 'blog_view.parquet');
    await scratch.query(`COPY (${sql.replace('src', 'read_parquet($1)')}) TO $2 (FORMAT parquet)`, [join(parquet, 'blog_view.parquet'), file]);
    return { dir: out, file };
  }

  it('infinite and far-off timestamps are refused by name', async () => {
    const a = await viewsWith('pinf', `SELECT * REPLACE (CASE WHEN id = 777 THEN 'infinity'::TIMESTAMP ELSE viewed_at END AS viewed_at) FROM src ORDER BY id`);
    expect(await fails(a.dir)).toBe(`table 'blog_view' (${a.file}, row 777), column 'viewed_at': 'infinity' is not an instant (infinite timestamps are refused)`);
    // Past what a JavaScript Date holds (year 275760), within what PostgreSQL writes (294276).
    const b = await viewsWith('pfar', `SELECT * REPLACE (CASE WHEN id = 778 THEN CAST('290000-01-01 00:00:00' AS TIMESTAMP) ELSE viewed_at END AS viewed_at) FROM src ORDER BY id`);
    expect(await fails(b.dir)).toBe(`table 'blog_view' (${b.file}, row 778), column 'viewed_at': '290000-01-01 00:00:00' is outside the years 0001 to 9999`);
  });

  it('a damaged page names the table, the file and the column', async () => {
    const out = join(dir.path, 'damaged');
    cpSync(parquet, out, { recursive: true });
    const file = join(out, 'blog_view.parquet');
    const meta = await scratch.query(`SELECT data_page_offset FROM parquet_metadata($1) WHERE path_in_schema = 'duration' ORDER BY row_group_id LIMIT 1`, [file]);
    const bytes = readFileSync(file);
    const at = Number(meta.rows[0]!['data_page_offset']) + 40;
    for (let i = at; i < at + 64; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(file, bytes);
    const message = await fails(out);
    expect(message.startsWith(`table 'blog_view' (${file}), column 'duration': cannot read the file: `)).toBe(true);
    expect(message).not.toContain('\n');
  });
});

describe('pg_dump', () => {
  /** A small dump in PostgreSQL's text format, the views' rows given. */
  function dump(name: string, views: string[], blogs = ['1\tShort\tbody\t1\t1\t2024-02-01 00:00:00+00\t2024-02-01 00:00:00+00']): { file: string; viewLine: number } {
    const lines = [
      '--',
      '-- PostgreSQL database dump',
      '--',
      'SET standard_conforming_strings = on;',
      'COPY public.analytics_app_country (id, name, code) FROM stdin;',
      '1\tNorway\tNO',
      '\\.',
      'COPY public.auth_user (id, password, username, first_name, last_name, date_joined) FROM stdin;',
      '1\tsecret\tann\tAnn\tA\t2024-01-01 00:00:00+00',
      '\\.',
      'COPY public.analytics_app_blog (id, title, content, author_id, country_id, created_at, updated_at) FROM stdin;',
      ...blogs,
      '\\.',
      'COPY public.analytics_app_blogview (id, blog_id, user_id, country_id, viewed_at, duration) FROM stdin;',
    ];
    const viewLine = lines.length + 1;
    const file = join(dir.path, `${name}.sql`);
    writeFileSync(file, [...lines, ...views, '\\.', ''].join('\n'));
    return { file, viewLine };
  }
  const view = (id: number, viewedAt = '2024-03-01 10:00:00+00') => `${id}\t1\t1\t1\t${viewedAt}\t30`;

  it('a 10 MB title and content load', async () => {
    const big = `${'T'.repeat(10 << 20)}\\ttab`;
    const d = dump('dump-big', [view(1), view(2)], [`1\t${big}\t${'C'.repeat(10 << 20)}\t1\t\\N\t2024-02-01 00:00:00+00\t2024-02-01 00:00:00+00`]);
    const db = join(dir.path, 'dump-big.duckdb');
    await importSnapshot({ source: d.file, dbPath: db });
    const snap = await Database.open(db, { readOnly: true });
    try {
      const { rows } = await snap.query(`SELECT length(title) AS n, right(title, 4) AS tail FROM blog`);
      expect(rows).toEqual([{ n: (10 << 20) + 4, tail: '\ttab' }]);
    } finally {
      snap.close();
    }
  });

  it('a short row, infinity and a far year name the line of the dump', async () => {
    const a = dump('dump-short', [view(1), '2\t1\t1\t1\t2024-03-01 10:00:00+00']);
    expect(await fails(a.file)).toBe(`table 'blog_view' (${a.file}, line ${a.viewLine + 1}), column 'duration': cannot split the row: expected 6 fields, found 5`);
    const b = dump('dump-inf', [view(1), view(2), view(3, 'infinity')]);
    expect(await fails(b.file)).toBe(`table 'blog_view' (${b.file}, line ${b.viewLine + 2}), column 'viewed_at': 'infinity' is not an instant (infinite timestamps are refused)`);
    const c = dump('dump-far', [view(1), view(2, '294276-12-31 23:59:59+00')]);
    expect(await fails(c.file)).toBe(
      `table 'blog_view' (${c.file}, line ${c.viewLine + 1}), column 'viewed_at': cannot read '294276-12-31 23:59:59+00' as TIMESTAMP (an instant in the years 0001 to 9999)`,
    );
  });
});

describe('the CLI', () => {
  function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'data/import-cli.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  }

  it('prints one line, exits non-zero and keeps the previous snapshot', async () => {
    const v = csvWith('cli-inf', 'blog_view', (l) => (l[25_010] = setField(VIEWED_AT, 'infinity')(l[25_010]!)));
    const { code, stderr } = await cli([v.dir, '--db', target]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `import failed: table 'blog_view' (${v.file}, row 25010), column 'viewed_at': 'infinity' is not an instant (infinite timestamps are refused) ` +
        `(the previous snapshot, if any, is unchanged)\n`,
    );
    expect(readFileSync(target).equals(before)).toBe(true);
  });

  it('a damaged file: still one line; DEBUG adds the stack', async () => {
    const out = join(dir.path, 'cli-torn');
    cpSync(parquet, out, { recursive: true });
    const file = join(out, 'blog_view.parquet');
    copyFileSync(join(parquet, 'blog.parquet'), file);
    writeFileSync(file, readFileSync(file).subarray(0, 200));
    const plain = await cli([out, '--db', target]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^import failed: table 'blog_view': cannot read .*blog_view\.parquet: .* \(the previous snapshot, if any, is unchanged\)\n$/);
    const debug = await cli([out, '--db', target], { DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(readFileSync(target).equals(before)).toBe(true);
  });
});
