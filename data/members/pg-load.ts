// The old member service's Django tables (app `task`, its member model `User`: task_user and
// task_activityperiod) in a real PostgreSQL, with Django's types (a UUID primary key,
// DateTimeField as timestamptz) and the index on the foreign key, loaded from a members
// Parquet folder: the import tests' source. The user model's password and last_login
// columns are there too, as Django's AbstractBaseUser makes them: never read on import.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../../engine/db.ts';
import { ident } from '../../engine/sql.ts';
import { PGURL } from '../pg-load.ts';

export const taskDdl = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.task_user (id uuid PRIMARY KEY, password varchar(128) NOT NULL, last_login timestamptz NULL,
  real_name varchar(100) NOT NULL, tz varchar(100) NOT NULL);
CREATE TABLE ${s}.task_activityperiod (id bigserial PRIMARY KEY, member_id uuid NOT NULL REFERENCES ${s}.task_user (id),
  start_time timestamptz NOT NULL, end_time timestamptz NOT NULL);
CREATE INDEX ON ${s}.task_activityperiod (member_id);
`;

// Django column order; values from the Parquet files, passwords made up here.
const EXPORTS: readonly [string, string, string][] = [
  ['task_user', 'member', `SELECT id, 'pbkdf2_sha256$600000$' || md5(id::VARCHAR) AS password, NULL AS last_login, real_name, tz FROM read_parquet($1)`],
  ['task_activityperiod', 'activity_period', `SELECT id, member_id, start_time, end_time FROM read_parquet($1)`],
];

export const TASK_TABLES = EXPORTS.map(([t]) => t);

/** Creates the schema (dropping an old one of that name) and loads it from a members
 *  Parquet folder; `workDir` holds the intermediate CSV files. */
export async function loadTaskSchema(schema: string, parquetDir: string, workDir: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name must be a plain identifier, got '${schema}'`);
  const db = await Database.open(':memory:');
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await client.query(taskDdl(schema));
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const [table, file, sql] of EXPORTS) {
      const csv = join(workDir, `${table}.load.csv`);
      await db.query(`COPY (${sql}) TO $2 (FORMAT csv, HEADER)`, [join(parquetDir, `${file}.parquet`), csv]);
      await pipeline(createReadStream(csv), client.query(copyFrom(`COPY ${schema}.${table} FROM STDIN WITH (FORMAT csv, HEADER)`)));
    }
    // The sequence after the loaded ids, as Django would have left it.
    await client.query(`SELECT setval(pg_get_serial_sequence('${schema}.task_activityperiod', 'id'), (SELECT max(id) FROM ${schema}.task_activityperiod))`);
  } finally {
    await client.end();
    db.close();
  }
}
