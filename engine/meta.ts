// What a snapshot says about itself: when and from what it was loaded, and its size.
import type { Database, Param, QueryResult } from './db.ts';
import { META_TABLE } from './layout.ts';
import { ident } from './sql.ts';

export interface SnapshotMeta {
  /** Unique to one import: what a query worker checks the file it opened against. */
  readonly snapshotId: string;
  /** The dataset the snapshot holds (absent in snapshots from before there were several:
   *  the blog's). */
  readonly dataset?: string;
  readonly loadedAt: string;
  readonly source: string;
  readonly sourceKind: 'parquet' | 'csv' | 'pg_dump' | 'postgres';
  /** Row counts per table of the catalog. */
  readonly rows: Readonly<Record<string, number>>;
  readonly firstViewedAt: string | null;
  readonly lastViewedAt: string | null;
  readonly loadMs: number;
  /** The source was made by the generator (absent in snapshots from before the mark). */
  readonly synthetic?: boolean;
  /** The tables stored in key order, the n-th row by key at row position n (the layout's
   *  tables other than the root, engine/layout.ts; absent in snapshots from before the mark). */
  readonly keyOrdered?: readonly string[];
}

export async function writeMeta(db: Database, meta: SnapshotMeta): Promise<void> {
  await db.exec(`CREATE OR REPLACE TABLE ${ident(META_TABLE)} (meta VARCHAR NOT NULL)`);
  await db.query(`INSERT INTO ${ident(META_TABLE)} VALUES ($1)`, [JSON.stringify(meta)]);
}

export async function readMeta(db: { readonly path: string; query(sql: string, params?: readonly Param[]): Promise<QueryResult> }): Promise<SnapshotMeta> {
  const { rows } = await db.query(`SELECT meta FROM ${ident(META_TABLE)}`);
  const text = rows[0]?.['meta'];
  if (typeof text !== 'string') throw new Error(`snapshot ${db.path} has no metadata: it was not written by this engine's import`);
  const meta = JSON.parse(text) as Omit<SnapshotMeta, 'snapshotId'> & { snapshotId?: string };
  // Snapshots imported before ids existed: the moment and source of their import.
  return { ...meta, snapshotId: meta.snapshotId ?? `${meta.loadedAt} ${meta.source}` };
}
