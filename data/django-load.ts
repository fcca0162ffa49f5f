// A Django app's tables in a real PostgreSQL, loaded from a dataset's Parquet folder through
// CSV and COPY: what the import tests read from (pg_dump, COPY, live) and what the
// benchmarks' PostgreSQL peers answer from. Each dataset gives its DDL and, per table, the
// SELECT over its Parquet file in Django's column order.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';
import { PGURL } from './pg-load.ts';

/** A Django table: its name, the Parquet file (without `.parquet`) it comes from, and the
 *  SELECT over `read_parquet($1)` giving its columns in Django's order. */
export type DjangoExport = readonly [table: string, file: string, select: string];

export interface DjangoSchema {
  /** The DDL creating schema `s` and its tables and indexes. */
  readonly ddl: (s: string) => string;
  readonly exports: readonly DjangoExport[];
  /** Statements run after the load (`s` is the schema): sequences set past the loaded ids. */
  readonly after?: (s: string) => readonly string[];
}

/** Creates `schema` (dropping an old one of that name) and loads it from `parquetDir`;
 *  `workDir` holds the intermediate CSV files. */
export async function loadDjangoSchema(app: DjangoSchema, schema: string, parquetDir: string, workDir: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name must be a plain identifier, got '${schema}'`);
  const db = await Database.open(':memory:');
  const client = new pg.Client({ connectionString: PGURL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`);
    await client.query(app.ddl(schema));
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const [table, file, sql] of app.exports) {
      const csv = join(workDir, `${table}.load.csv`);
      await db.query(`COPY (${sql}) TO $2 (FORMAT csv, HEADER)`, [join(parquetDir, `${file}.parquet`), csv]);
      await pipeline(createReadStream(csv), client.query(copyFrom(`COPY ${schema}.${table} FROM STDIN WITH (FORMAT csv, HEADER)`)));
    }
    for (const statement of app.after?.(schema) ?? []) await client.query(statement);
  } finally {
    await client.end().catch(() => undefined);
    db.close();
  }
}
