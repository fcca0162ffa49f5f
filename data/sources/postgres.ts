// A live PostgreSQL database: each table found by name in a schema is streamed with
// `COPY (SELECT <the catalog's columns>) TO STDOUT` into a text-format file, read like a
// pg_dump block. Only the catalog's columns are ever selected from PostgreSQL.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Catalog } from '../../engine/catalog.ts';
import { ident } from '../../engine/sql.ts';
import { ImportError, lookedFor, sourceNameFor } from '../source.ts';
import type { SourceTable } from '../source.ts';
import { pgTextTable } from './pg-text.ts';
import { silent } from '../progress.ts';
import type { Progress } from '../progress.ts';

/** Copies the catalog's tables out of `schema`; `progress` counts each table's rows against
 *  PostgreSQL's own estimate of them (pg_class.reltuples, where it has one). */
export async function postgresTables(catalog: Catalog, url: string, schema: string, workDir: string, progress: Progress = silent): Promise<SourceTable[]> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    throw new ImportError(`cannot connect to PostgreSQL: ${(e as Error).message}`);
  }
  try {
    // timestamptz values come out in UTC; one snapshot of every table.
    await client.query(`SET TIME ZONE 'UTC'`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    const names = tables.rows.map((r) => r.table_name);
    const out: SourceTable[] = [];
    for (const table of catalog.tables) {
      const name = sourceNameFor(table, names, `schema '${schema}'`);
      if (!name) throw new ImportError(`table '${table.name}': no table in schema '${schema}' (looked for ${lookedFor(table)})`);
      const cols = await client.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, [schema, name]);
      const have = new Set(cols.rows.map((r) => r.column_name));
      const missing = table.columns.find((c) => !have.has(c.name));
      if (missing) throw new ImportError(`table '${table.name}' (${schema}.${name}): missing column '${missing.name}'`);
      const columns = table.columns.map((c) => c.name);
      const file = join(workDir, `${table.name}.tsv`);
      const sql = `COPY (SELECT ${columns.map(ident).join(', ')} FROM ${ident(schema)}.${ident(name)}) TO STDOUT`;
      const estimate = await client.query<{ n: string | null }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass(quote_ident($1) || '.' || quote_ident($2))`, [schema, name]);
      const expected = Number(estimate.rows[0]?.n ?? -1);
      progress.phase(`copying ${schema}.${name}`, expected > 0 ? expected : undefined, 'rows');
      let rows = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          let n = 0;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
          rows += n;
          progress.tick(n);
          done(null, chunk);
        },
      });
      await pipeline(client.query(copyTo(sql)), counter, createWriteStream(file));
      out.push(pgTextTable(table, file, `${schema}.${name}`, columns, 1, 'row', rows));
    }
    await client.query('COMMIT');
    return out;
  } finally {
    await client.end().catch(() => {});
  }
}
