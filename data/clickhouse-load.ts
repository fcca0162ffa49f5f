// `npm run import -- SOURCE --to clickhouse`: a snapshot built and checked as every import
// builds one (DuckDB, import.ts: the same sources, the same validation), then its tables
// copied into ClickHouse (clickhouse-ddl.ts): each through a Parquet file, under new names,
// counted, and switched in by EXCHANGE TABLES only when every table holds every row.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import type { Catalog } from '../engine/catalog.ts';
import type { DatasetDef } from '../engine/dataset.ts';
import type { ClickHouse } from '../engine/clickhouse/backend.ts';
import { META_TABLE } from '../engine/layout.ts';
import { readMeta } from '../engine/meta.ts';
import type { SnapshotMeta } from '../engine/meta.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import { importSnapshot } from './import.ts';
import type { ImportOptions } from './import.ts';
import { NEW, chTables, loadStatements } from './clickhouse-ddl.ts';
import { silent } from './progress.ts';
import type { Progress } from './progress.ts';

/** A path as a DuckDB string literal: the importer's own temporary files only. */
const pathLiteral = (p: string) => `'${p.replaceAll("'", "''")}'`;

/** ClickHouse's instants (DateTime64) reach from 1900 to 2299: a snapshot with an instant
 *  outside (DuckDB's reach 0001 to 9999) is refused, never clamped. */
const FIRST_INSTANT = '1900-01-01 00:00:00';
const PAST_LAST_INSTANT = '2300-01-01 00:00:00';

async function checkInstants(src: Database, catalog: Catalog): Promise<void> {
  for (const t of chTables(catalog)) {
    for (const c of t.columns.filter((x) => x.type.includes('DateTime64'))) {
      const col = ident(c.name);
      const { rows } = await src.query(`SELECT count(*) AS n, min(${col})::VARCHAR AS lo, max(${col})::VARCHAR AS hi FROM ${ident(t.name)} WHERE ${col} < $1::TIMESTAMP OR ${col} >= $2::TIMESTAMP`, [FIRST_INSTANT, PAST_LAST_INSTANT]);
      const n = Number(rows[0]?.['n'] ?? 0);
      if (n > 0) throw new ImportError(`${t.name}.${c.name}: ${n} instants outside the years 1900 to 2299 that ClickHouse stores (${String(rows[0]!['lo'])} .. ${String(rows[0]!['hi'])}); nothing was loaded`);
    }
  }
}

/** The UUID columns of a table (a catalog table, or the fact rows). */
function uuidColumns(catalog: Catalog, table: string): Set<string> {
  const cols = table === catalog.fact.name ? catalog.fact.columns : (catalog.tables.find((t) => t.name === table)?.columns ?? []);
  return new Set(cols.filter((c) => c.sqlType === 'UUID').map((c) => c.name));
}

/** The nodes of a cluster other than the one the importer talks to (host:port, native). */
async function otherNodes(ch: ClickHouse): Promise<string[]> {
  if (!ch.cluster) return [];
  const { rows } = await ch.query(`SELECT host_address, port, is_local FROM system.clusters WHERE cluster = {p1:String}`, [ch.cluster]);
  if (rows.length === 0) throw new ImportError(`ClickHouse knows no cluster '${ch.cluster}' (CLICKHOUSE_CLUSTER)`);
  return rows.filter((r) => Number(r['is_local']) !== 1).map((r) => `${String(r['host_address'])}:${String(r['port'])}`);
}

export interface ClickHouseLoadOptions {
  /** The DuckDB snapshot to copy (written by importSnapshot). */
  readonly snapshot: string;
  readonly catalog: Catalog;
  readonly ch: ClickHouse;
  /** The credentials the nodes of a cluster are written with (those of CLICKHOUSE_URL). */
  readonly user?: string;
  readonly password?: string;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
}

/** Copies a snapshot's tables into `ch`'s database and switches them in; answers its meta. */
export async function loadIntoClickHouse(o: ClickHouseLoadOptions): Promise<SnapshotMeta> {
  const { ch, catalog } = o;
  const progress = o.progress ?? silent;
  const s = loadStatements(catalog, { database: ch.database, cluster: ch.cluster });
  const src = await Database.open(o.snapshot, { readOnly: true, connections: 1 });
  const work = mkdtempSync(join(tmpdir(), 'bae-ch-'));
  try {
    const meta = await readMeta(src);
    await checkInstants(src, catalog);
    await ch.ensureDatabase();
    for (const sql of [...s.clean, ...s.create]) await ch.exec(sql);
    const tables = chTables(catalog).filter((t) => t.name !== META_TABLE);
    progress.phase('loading ClickHouse', tables.length, 'tables');
    for (const t of tables) {
      const file = join(work, `${t.name}.parquet`);
      // UUIDs as their canonical text, which the ClickHouse tables hold (chType).
      const uuids = uuidColumns(catalog, t.name);
      const cols = t.columns.map((c) => (uuids.has(c.name) ? `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}` : ident(c.name)));
      await src.exec(`COPY (SELECT ${cols.join(', ')} FROM ${ident(t.name)}) TO ${pathLiteral(file)} (FORMAT PARQUET)`);
      await ch.insertParquet(s.insertInto[t.name]!, file);
      rmSync(file, { force: true });
      progress.tick(1);
    }
    await ch.exec(`INSERT INTO ${s.insertInto[META_TABLE]!} SELECT {meta:String}`, { meta: JSON.stringify(meta) });
    // Tables other than the fact rows are whole on every node.
    for (const node of await otherNodes(ch)) {
      for (const t of chTables(catalog).filter((x) => !x.fact)) {
        await ch.exec(s.copyToNode[t.name]!, { host: node, database: ch.database, table: t.name + NEW, user: o.user ?? 'default', password: o.password ?? '' });
      }
      o.log?.(`copied the dimension tables to ${node}`);
    }
    // Every row is there before anything is switched in.
    const expected = (name: string) => (name === catalog.fact.name ? meta.rows[catalog.root] : meta.rows[name]);
    for (const t of tables) {
      const want = expected(t.name);
      if (want === undefined) continue;
      const got = Number((await ch.query(`SELECT count() AS n FROM ${s.insertInto[t.name]!}`)).rows[0]?.['n']);
      if (got !== want) throw new ImportError(`ClickHouse holds ${got} rows of ${t.name}, not ${want}: nothing was switched in`);
    }
    const { rows } = await ch.query(`SELECT name FROM system.tables WHERE database = {p1:String}`, [ch.database]);
    const existing = new Set(rows.map((r) => String(r['name'])));
    for (const sql of s.switchIn(existing)) await ch.exec(sql);
    for (const sql of s.finish) await ch.exec(sql);
    progress.done();
    return meta;
  } catch (e) {
    // The live tables were not touched unless the switch ran; the new ones are dropped.
    for (const sql of s.clean) await ch.exec(sql).catch(() => {});
    throw e;
  } finally {
    src.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export interface ClickHouseImportOptions extends Omit<ImportOptions, 'dbPath'> {
  readonly dataset: DatasetDef;
  readonly ch: ClickHouse;
  readonly user?: string;
  readonly password?: string;
}

/** Stages and checks SOURCE into a DuckDB snapshot in a temporary folder, as every import
 *  does, then loads it into ClickHouse; the temporary snapshot is removed either way. */
export async function importToClickHouse(o: ClickHouseImportOptions): Promise<SnapshotMeta> {
  const dir = mkdtempSync(join(tmpdir(), 'bae-stage-'));
  try {
    const dbPath = join(dir, 'stage.duckdb');
    await importSnapshot({ ...o, dbPath });
    return await loadIntoClickHouse({ snapshot: dbPath, catalog: o.dataset.catalog, ch: o.ch, ...(o.user ? { user: o.user } : {}), ...(o.password ? { password: o.password } : {}), ...(o.progress ? { progress: o.progress } : {}), ...(o.log ? { log: o.log } : {}) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
