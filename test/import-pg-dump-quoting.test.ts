// A pg_dump file is read as psql reads it: a `COPY ... FROM stdin;` line inside a function
// body ($$ or $tag$), a string literal, a comment or a psql command is text, not data.
// The dump comes from a real pg_dump of a schema with such functions, a comment and an oddly
// named table; more tricks are written into it by hand (a nested block comment, E'' strings,
// standard_conforming_strings off, identifiers holding quotes and dollars). psql itself is
// the reference: the edited dump is restored with psql, and the importer must load exactly
// the rows PostgreSQL then holds.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { dropSchema, loadDjangoSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, tempDir } from './helpers.ts';

const reachable = await postgresForTests('the pg_dump quoting tests');
const schema = `bae_dumpq_${process.pid}`;
const dir = tempDir('dumpq-');
const TABLES: [string, string][] = [
  ['analytics_app_country', 'country'],
  ['auth_user', 'user'],
  ['analytics_app_blog', 'blog'],
  ['analytics_app_blogview', 'blog_view'],
];

/** A fake COPY block of views whose ids (99999x) no real view has. */
const fake = (id: number) =>
  `COPY ${schema}.analytics_app_blogview (id, blog_id, user_id, country_id, viewed_at, duration) FROM stdin;\n${id}\t1\t\\N\t\\N\t2020-01-01 00:00:00+00\t5\n\\.`;

async function sql(text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: PGURL });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

const dumpFile = join(dir.path, 'tricky.sql');

describe.skipIf(!reachable)('pg_dump read as psql reads it', () => {
  beforeAll(async () => {
    const parquet = join(dir.path, 'parquet');
    await generate({ views: 2000, seed: 3, out: parquet, end: END });
    await loadDjangoSchema(schema, parquet, dir.path);
    await sql(`
      CREATE FUNCTION ${schema}.in_comment() RETURNS void LANGUAGE plpgsql AS $body$
      BEGIN
        /*
${fake(999991)}
        */
        RAISE NOTICE 'two dollars: $$';
      END
      $body$;
      CREATE FUNCTION ${schema}.in_string() RETURNS text LANGUAGE sql AS $$ SELECT 'x
${fake(999992)}
'::text $$;
      COMMENT ON TABLE ${schema}.analytics_app_blog IS 'it''s
${fake(999993)}
';
      CREATE TABLE ${schema}."it's ""odd"" $$" (a int);
      INSERT INTO ${schema}."it's ""odd"" $$" VALUES (1);`);
    const dumped = execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner'], { env: { ...process.env, PGTZ: 'UTC' }, maxBuffer: 1 << 28 }).toString();
    // What pg_dump wrote holds the tricks this test is about.
    expect(dumped).toContain('AS $_$');
    expect(dumped).toMatch(/AS \$\$ SELECT 'x\n/);
    expect(dumped).toContain(`IS 'it''s\nCOPY`);
    expect(dumped).toContain(`-- Name: it's "odd" $$; Type: TABLE`);
    const lines = dumped.split('\n');
    const data = lines.findIndex((l) => l.startsWith('-- Data for Name: '));
    expect(data).toBeGreaterThan(0);
    const byHand = [
      `/* a block comment /* nested */`,
      fake(999994),
      `still inside the outer comment */`,
      `SELECT E'\\' ;`,
      fake(999995),
      `';`,
      `SET escape_string_warning = off;`,
      `SET standard_conforming_strings = off;`,
      `SELECT '\\' ;`,
      fake(999996),
      `';`,
      `SET standard_conforming_strings = on;`,
      `-- a line comment: it's /* no opener`,
      `SELECT 'a string; with -- no comment and /* no comment' AS "a ""quoted"" ident; with -- and /*";`,
      `SELECT $fn$ it's $$ not the end $fn$ AS x, 1 AS a$$b;`,
      `SELECT 2 AS b$tag$;`,
    ];
    // A psql command runs to the end of its line: this is no comment opener. (At the top:
    // after pg_dump's \restrict, psql allows no other command.)
    const command = `\\echo /* not a comment`;
    writeFileSync(dumpFile, [command, ...lines.slice(0, data), ...byHand, ...lines.slice(data)].join('\n'));
    // psql's reading: restore the edited dump into a fresh schema of the same name.
    await dropSchema(schema);
    execFileSync('psql', ['--dbname', PGURL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-o', '/dev/null', '-f', dumpFile], { env: { ...process.env, PGTZ: 'UTC', PGOPTIONS: '-c client_min_messages=error' } });
  }, 180_000);

  afterAll(async () => {
    if (reachable) await dropSchema(schema);
    dir.cleanup();
  });

  it('loads exactly the rows psql restores from the same file', async () => {
    const db = join(dir.path, 'snap.duckdb');
    await importSnapshot({ source: dumpFile, dbPath: db });
    const snap = await Database.open(db, { readOnly: true });
    try {
      for (const [source, table] of TABLES) {
        const want = (await sql(`SELECT count(*)::int AS n, sum(id)::bigint::text AS s FROM ${schema}.${source}`)).rows[0];
        const got = (await snap.query(`SELECT count(*)::INTEGER AS n, sum(id)::BIGINT::VARCHAR AS s FROM "${table}"`)).rows[0];
        expect(got, table).toEqual(want);
      }
      const fakes = await snap.query(`SELECT count(*)::INTEGER AS n FROM blog_view WHERE id >= 999990`);
      expect(fakes.rows[0]!['n']).toBe(0);
      expect((await sql(`SELECT count(*)::int AS n FROM ${schema}.analytics_app_blogview WHERE id >= 999990`)).rows[0]!['n']).toBe(0);
      expect(Number((await sql(`SELECT count(*) AS n FROM ${schema}.analytics_app_blogview`)).rows[0]!['n'])).toBe(2000);
    } finally {
      snap.close();
    }
  });

  it('names the file line of a bad value after the tricks', async () => {
    const lines = readFileSync(dumpFile, 'utf8').split('\n');
    // The real block is the last COPY of the views: the fakes come before it.
    const copies = lines.flatMap((l, i) => (l.startsWith(`COPY ${schema}.analytics_app_blogview `) ? [i] : []));
    expect(copies.length).toBe(7);
    const real = copies[copies.length - 1]!;
    const bad = real + 1 + 10;
    const f = lines[bad]!.split('\t');
    f[5] = 'long';
    lines[bad] = f.join('\t');
    const file = join(dir.path, 'bad.sql');
    writeFileSync(file, lines.join('\n'));
    const err = await importSnapshot({ source: file, dbPath: join(dir.path, 'bad.duckdb') }).catch((e: Error) => e);
    expect((err as Error).message).toBe(`table 'blog_view' (${file}, line ${bad + 1}), column 'duration': cannot read 'long' as INTEGER`);
  });
});
