// Builds a snapshot from a source into a temporary file and renames it into place only
// when every table loaded and every check passed: a failed import leaves the previous
// snapshot byte-for-byte as it was.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Database } from '../engine/db.ts';
import type { Catalog } from '../engine/catalog.ts';
import { blogCatalog } from '../engine/catalog.ts';
import { layoutStatements } from '../engine/layout.ts';
import { writeMeta } from '../engine/meta.ts';
import type { SnapshotMeta } from '../engine/meta.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import type { SourceTable } from './source.ts';
import { isParquetFolder, parquetTables } from './sources/parquet.ts';
import { checkReferences, stageTable } from './stage.ts';

export interface ImportOptions {
  readonly source: string;
  readonly dbPath: string;
  readonly catalog?: Catalog;
  /** Called once per table as it is staged, and with the phase names. */
  readonly log?: (line: string) => void;
}

type SourceKind = SnapshotMeta['sourceKind'];

function detect(source: string): SourceKind {
  if (/^postgres(ql)?:\/\//i.test(source)) throw new ImportError('importing from a live PostgreSQL database is not supported yet');
  if (!existsSync(source)) throw new ImportError(`source ${source} does not exist`);
  if (statSync(source).isDirectory()) {
    if (isParquetFolder(source)) return 'parquet';
    throw new ImportError(`source ${source} holds no .parquet files (CSV folders are not supported yet)`);
  }
  throw new ImportError(`source ${source} is a file: pg_dump files are not supported yet`);
}

async function sourceTables(db: Database, catalog: Catalog, kind: SourceKind, source: string): Promise<SourceTable[]> {
  switch (kind) {
    case 'parquet':
      return parquetTables(db, catalog, source);
  }
}

export async function importSnapshot(options: ImportOptions): Promise<SnapshotMeta> {
  const catalog = options.catalog ?? blogCatalog;
  const log = options.log ?? (() => {});
  const kind = detect(options.source);
  const target = resolve(options.dbPath);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const removeTmp = () => {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  };
  const started = Date.now();
  let db: Database | undefined = await Database.open(tmp, { connections: 1 });
  try {
    const sources = await sourceTables(db, catalog, kind, options.source);
    const rows: Record<string, number> = {};
    for (const s of sources) {
      const t0 = Date.now();
      rows[s.table.name] = await stageTable(db, s);
      log(`${s.table.name}: ${rows[s.table.name]} rows from ${basename(s.origin)} in ${Date.now() - t0} ms`);
    }
    await checkReferences(db, catalog, sources);
    for (const sql of layoutStatements(catalog)) await db.exec(sql);
    const span = (await db.query(`SELECT min(viewed_at) AS a, max(viewed_at) AS b FROM ${ident(catalog.fact.name)}`)).rows[0] ?? {};
    const meta: SnapshotMeta = {
      loadedAt: new Date().toISOString(),
      source: resolve(options.source),
      sourceKind: kind,
      rows,
      firstViewedAt: span['a'] instanceof Date ? span['a'].toISOString() : null,
      lastViewedAt: span['b'] instanceof Date ? span['b'].toISOString() : null,
      loadMs: Date.now() - started,
    };
    await writeMeta(db, meta);
    await db.exec('CHECKPOINT');
    db.close();
    db = undefined;
    renameSync(tmp, target);
    return meta;
  } catch (e) {
    db?.close();
    removeTmp();
    throw e;
  }
}
