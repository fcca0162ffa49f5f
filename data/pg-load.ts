// The old service's tables in a real PostgreSQL (Django's names and types and indexes,
// auth_user with its password column), loaded from a generated Parquet folder: the
// benchmark's peer and the import tests' source. Five blog titles are replaced with text
// that stresses every export format: a tab, a newline and backslashes, a literal \N,
// quotes and a comma, the empty string.
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';
import { silent } from './progress.ts';
import type { Progress } from './progress.ts';

export const DEFAULT_PGURL = 'postgres://postgres@127.0.0.1:5432/test';
export const PGURL = process.env['PGURL'] || DEFAULT_PGURL;

export async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PGURL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

// Django's tables and the indexes it creates (primary keys, unique columns, foreign keys), plus
// the index on viewed_at the old service added.
export const djangoDdl = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.analytics_app_country (id bigserial PRIMARY KEY, name varchar(100) NOT NULL, code varchar(3) UNIQUE);
CREATE TABLE ${s}.auth_user (id serial PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL, is_superuser boolean NOT NULL,
  username varchar(150) NOT NULL UNIQUE, first_name varchar(150) NOT NULL, last_name varchar(150) NOT NULL, email varchar(254) NOT NULL,
  is_staff boolean NOT NULL, is_active boolean NOT NULL, date_joined timestamptz NOT NULL);
CREATE TABLE ${s}.analytics_app_blog (id bigserial PRIMARY KEY, title varchar(255) NOT NULL, content text NOT NULL,
  author_id integer NOT NULL REFERENCES ${s}.auth_user (id), country_id bigint NULL REFERENCES ${s}.analytics_app_country (id),
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
CREATE TABLE ${s}.analytics_app_blogview (id bigserial PRIMARY KEY, blog_id bigint NOT NULL REFERENCES ${s}.analytics_app_blog (id),
  user_id integer NULL REFERENCES ${s}.auth_user (id), country_id bigint NULL REFERENCES ${s}.analytics_app_country (id),
  viewed_at timestamptz NOT NULL, duration integer NOT NULL);
CREATE INDEX ON ${s}.analytics_app_blog (author_id);
CREATE INDEX ON ${s}.analytics_app_blog (country_id);
CREATE INDEX ON ${s}.analytics_app_blogview (blog_id);
CREATE INDEX ON ${s}.analytics_app_blogview (user_id);
CREATE INDEX ON ${s}.analytics_app_blogview (country_id);
CREATE INDEX ON ${s}.analytics_app_blogview (viewed_at);
`;

// Django column order; values from the generated Parquet files, secrets made up here.
const EXPORTS: [string, string][] = [
  ['analytics_app_country', `SELECT id, name, code FROM read_parquet($1)`],
  ['auth_user', `SELECT id, 'pbkdf2_sha256$600000$' || md5(id::VARCHAR) AS password, NULL AS last_login, false AS is_superuser, username,
     first_name, last_name, username || '@example.com' AS email, false AS is_staff, true AS is_active, date_joined FROM read_parquet($1)`],
  ['analytics_app_blog', `SELECT id, CASE id WHEN 1 THEN 'tab' || chr(9) || 'here' WHEN 2 THEN 'line' || chr(10) || 'break and \\ back\\slash'
     WHEN 3 THEN '\\N' WHEN 4 THEN 'quote " and '' and , comma' WHEN 5 THEN '' ELSE title END AS title,
     'body of ' || title AS content, author_id, country_id, created_at, created_at AS updated_at FROM read_parquet($1)`],
  ['analytics_app_blogview', `SELECT id, blog_id, user_id, country_id, viewed_at, duration FROM read_parquet($1)`],
];
const PARQUET: Record<string, string> = { analytics_app_country: 'country', auth_user: 'user', analytics_app_blog: 'blog', analytics_app_blogview: 'blog_view' };

/** Creates the schema (dropping an old one of that name) and loads it from a generated
 *  Parquet folder; `workDir` holds the intermediate CSV files; `progress` counts each
 *  table's CSV bytes as PostgreSQL takes them. */
export async function loadDjangoSchema(schema: string, parquetDir: string, workDir: string, progress: Progress = silent): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name must be a plain identifier, got '${schema}'`);
  const db = await Database.open(':memory:');
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await client.query(djangoDdl(schema));
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const [table, sql] of EXPORTS) {
      const csv = join(workDir, `${table}.load.csv`);
      progress.phase(`PostgreSQL: exporting ${PARQUET[table]}.parquet`);
      await db.query(`COPY (${sql}) TO $2 (FORMAT csv, HEADER)`, [join(parquetDir, `${PARQUET[table]}.parquet`), csv]);
      progress.phase(`PostgreSQL: loading ${schema}.${table}`, statSync(csv).size, 'bytes');
      const read = createReadStream(csv);
      read.on('data', (chunk) => progress.tick(chunk.length));
      await pipeline(read, client.query(copyFrom(`COPY ${schema}.${table} FROM STDIN WITH (FORMAT csv, HEADER)`)));
    }
    progress.done();
  } finally {
    await client.end();
    db.close();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
