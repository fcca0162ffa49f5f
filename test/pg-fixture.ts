// The old service's tables in a real PostgreSQL (Django's names and types, auth_user with
// its password column), loaded with generated data plus text that stresses every format:
// tabs, newlines, backslashes, quotes, a literal \N, empty strings, non-ASCII.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../engine/db.ts';

export const PGURL = process.env['PGURL'] || 'postgres://postgres@127.0.0.1:5432/test';

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

const DDL = (s: string) => `
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
CREATE INDEX ON ${s}.analytics_app_blogview (viewed_at);
CREATE INDEX ON ${s}.analytics_app_blogview (blog_id);
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

/** Creates the schema and loads it from a generated Parquet folder; returns the client. */
export async function loadDjangoSchema(schema: string, parquetDir: string, workDir: string): Promise<void> {
  const db = await Database.open(':memory:');
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(DDL(schema));
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const [table, sql] of EXPORTS) {
      const csv = join(workDir, `${table}.load.csv`);
      await db.query(`COPY (${sql}) TO $2 (FORMAT csv, HEADER)`, [join(parquetDir, `${PARQUET[table]}.parquet`), csv]);
      await pipeline(createReadStream(csv), client.query(copyFrom(`COPY ${schema}.${table} FROM STDIN WITH (FORMAT csv, HEADER)`)));
    }
  } finally {
    await client.end();
    db.close();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
