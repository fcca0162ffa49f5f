// The benchmarks' PostgreSQL, whichever dataset: the old service's Django schema loaded with
// the very data the engine serves, and reused by a later run while a fingerprint of its
// tables (sizes, keys, names) still matches the engine's data. The caller says how each
// side's fingerprint is read and how the schema is loaded.
import pg from 'pg';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { PGURL, pgReachable } from '../data/pg-load.ts';
import type { Reporter } from '../data/progress-report.ts';

export interface DjangoPeerOptions {
  /** False with --no-pg. */
  readonly use: boolean;
  readonly schema: string;
  /** The fingerprint of the data the engine serves. */
  readonly ours: () => Promise<string>;
  /** The same fingerprint from PostgreSQL's tables (a failure reads as "not loaded"). */
  readonly theirs: (client: pg.Client) => Promise<string>;
  /** (Re)creates and loads the schema, ANALYZE included. */
  readonly load: (client: pg.Client) => Promise<void>;
}

/** A connected client on PostgreSQL holding the data in `schema`, or undefined without
 *  PostgreSQL. The caller ends the client. */
export async function djangoPeer(progress: Reporter, o: DjangoPeerOptions): Promise<{ client: pg.Client; schema: string } | undefined> {
  if (!o.use || !(await pgReachable())) {
    progress.note(`PostgreSQL not used (${o.use ? `not reachable at ${PGURL}` : '--no-pg'})`);
    return undefined;
  }
  progress.phase(`PostgreSQL: comparing schema ${o.schema} with the data set`);
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    const ours = await o.ours();
    const theirs = await o.theirs(client).catch(() => 'none');
    if (theirs !== ours) await o.load(client);
    progress.done();
    return { client, schema: o.schema };
  } catch (e) {
    await client.end();
    throw e;
  }
}

/** One row's values as the fingerprint's text. */
export const rowText = (row: object): string => JSON.stringify(Object.values(row).map(String));

/** `work` run on an in-memory DuckDB with `read_parquet(...)` text for each named file of a
 *  Parquet folder (name -> file stem). */
export async function fromParquet<K extends string, T>(dir: string, names: Readonly<Record<K, string>>, work: (db: Database, t: Record<K, string>) => Promise<T>): Promise<T> {
  const t = Object.fromEntries(Object.entries<string>(names).map(([k, f]) => [k, `read_parquet('${join(dir, `${f}.parquet`).replaceAll("'", "''")}')`])) as Record<K, string>;
  const db = await Database.open(':memory:');
  try {
    return await work(db, t);
  } finally {
    db.close();
  }
}
