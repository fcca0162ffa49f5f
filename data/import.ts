// Builds a snapshot from a source into a temporary file and renames it into place only
// when every table loaded and every check passed: a failed import leaves the previous
// snapshot byte-for-byte as it was.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, resolve } from 'node:path';
import { Database } from '../engine/db.ts';
import type { Catalog } from '../engine/catalog.ts';
import type { DatasetDef } from '../engine/dataset.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { layoutSteps } from '../engine/layout.ts';
import type { LayoutPart, LayoutStep } from '../engine/layout.ts';
import { writeMeta } from '../engine/meta.ts';
import { keyOrderedTables } from './key-order.ts';
import type { SnapshotMeta } from '../engine/meta.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import { assertNever } from '../engine/errors.ts';
import type { SourceTable } from './source.ts';
import { isParquetFolder, parquetTables } from './sources/parquet.ts';
import { csvTables, isCsvFolder } from './sources/csv.ts';
import { isPgDump, pgDumpTables } from './sources/pg-dump.ts';
import { postgresTables } from './sources/postgres.ts';
import { checkReferences, stageTable } from './stage.ts';
import { checkAcyclic } from './check-acyclic.ts';
import { layoutFacts } from './layout-facts.ts';
import { chooseRollups } from './rollup-choice.ts';
import { anySynthetic } from './generate-marker.ts';
import { importTemp, removeDeadLeftovers } from './temp-files.ts';
import { silent } from './progress.ts';
import { availableMemory, importMemoryLimit } from './import-memory.ts';
import type { Progress } from './progress.ts';

export interface ImportOptions {
  readonly source: string;
  readonly dbPath: string;
  /** The dataset the source holds (default: the blog); recorded in the snapshot. */
  readonly dataset?: DatasetDef;
  /** A catalog of tests' own, with no dataset (the snapshot names none). */
  readonly catalog?: Catalog;
  /** Schema of a live PostgreSQL source. */
  readonly schema?: string;
  /** Called once per table as it is staged (a plain log, for the server's own build). */
  readonly log?: (line: string) => void;
  /** Told of each step as it goes: reading, loading and checking each table, the layout. */
  readonly progress?: Progress;
  /** Told of each layout statement once it has run, with its time (the price of each
   *  table and accelerator: bench/accelerators.ts). */
  readonly onStep?: (step: LayoutStep, ms: number) => void;
  /** Fact rows below which every rollup is built (default rollup-choice.ts's MIN_ROWS). */
  readonly chooseRollupsFrom?: number;
  /** DuckDB's memory limit while importing ('8GB'; default import-memory.ts's, from the
   *  fact rows): beyond it sorts and joins spill beside the new snapshot (`<tmp>.tmp`). */
  readonly memoryLimit?: string | undefined;
}

/** The steps an import reports after loading, by the part of the layout they build. */
const partStep = (catalog: Catalog, part: Exclude<LayoutPart, 'cleanup'>): string =>
  part === 'tables' ? 'layout' : part === 'projections' || part === 'rollups' ? part : (catalog.distinctSets[0]?.progressName ?? 'distinct sets');

type SourceKind = SnapshotMeta['sourceKind'];

function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function detect(source: string): SourceKind {
  if (/^postgres(ql)?:\/\//i.test(source)) return 'postgres';
  if (!existsSync(source)) throw new ImportError(`source ${source} does not exist`);
  if (statSync(source).isDirectory()) {
    if (isParquetFolder(source)) return 'parquet';
    if (isCsvFolder(source)) return 'csv';
    throw new ImportError(`source ${source} holds no .parquet or .csv files`);
  }
  if (isPgDump(head(source))) return 'pg_dump';
  throw new ImportError(`source ${source} is neither a folder of Parquet or CSV files nor a pg_dump plain-SQL file`);
}

/** The source as recorded in the snapshot: a URL loses its password. */
function describeSource(source: string, kind: SourceKind): string {
  if (kind !== 'postgres') return resolve(source);
  try {
    const u = new URL(source);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://';
  }
}

async function sourceTables(db: Database, catalog: Catalog, kind: SourceKind, o: ImportOptions, workDir: string): Promise<SourceTable[]> {
  switch (kind) {
    case 'parquet':
      return parquetTables(db, catalog, o.source);
    case 'csv':
      return csvTables(catalog, o.source);
    case 'pg_dump':
      return pgDumpTables(catalog, o.source, workDir, o.progress);
    case 'postgres':
      return postgresTables(catalog, o.source, o.schema ?? 'public', workDir, o.progress);
    default:
      return assertNever(kind);
  }
}

export async function importSnapshot(options: ImportOptions): Promise<SnapshotMeta> {
  const catalog = options.dataset?.catalog ?? options.catalog ?? blogCatalog;
  const log = options.log ?? (() => {});
  const progress = options.progress ?? silent;
  const kind = detect(options.source);
  const target = resolve(options.dbPath);
  const { db: tmp, workDir } = importTemp(target);
  mkdirSync(dirname(target), { recursive: true });
  for (const name of removeDeadLeftovers(target)) {
    log(`removed ${name}, left by an import that was killed`);
    progress.note(`removed ${name}, left by an import that was killed`);
  }
  mkdirSync(workDir);
  const removeTmp = () => {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  };
  const started = Date.now();
  let db: Database | undefined = await Database.open(tmp, { connections: 1, ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}) });
  try {
    const sources = await sourceTables(db, catalog, kind, options, workDir);
    const synthetic = kind === 'parquet' && (await anySynthetic(db, sources.map((s) => s.origin)));
    const rows: Record<string, number> = {};
    for (const s of sources) {
      const t0 = Date.now();
      rows[s.table.name] = await stageTable(db, s, progress);
      log(`${s.table.name}: ${rows[s.table.name]} rows from ${basename(s.origin)} in ${Date.now() - t0} ms`);
    }
    // Without a limit asked for, one from the data's size (import-memory.ts).
    if (!options.memoryLimit) await db.exec(`SET memory_limit = '${importMemoryLimit(rows[catalog.root] ?? 0, availableMemory())}'`);
    await checkReferences(db, catalog, sources, progress);
    await checkAcyclic(db, catalog, sources, progress);
    // Each part of the layout is a step, counted in statements (the parts come in this
    // order). The rollups are chosen once the fact table they are estimated on exists.
    const staged = await layoutFacts(db, catalog);
    let steps = layoutSteps(catalog, staged);
    for (const part of ['tables', 'projections', 'rollups', 'distinct sets'] as const) {
      if (part === 'rollups') {
        const choice = await chooseRollups(db, catalog, options.chooseRollupsFrom);
        const skipped = Object.entries(choice.estimates).filter(([name]) => !choice.build.has(name));
        if (skipped.length > 0) log(`rollups not built (estimated rows against ${choice.factRows} fact rows): ${skipped.map(([n, e]) => `${n} ~${e}`).join(', ')}`);
        steps = layoutSteps(catalog, { ...staged, rollups: choice.build, narrowSums: choice.narrowSums });
      }
      const mine = steps.filter((s) => s.part === part);
      if (mine.length === 0) continue;
      progress.phase(partStep(catalog, part), mine.length, 'statements');
      for (const step of mine) {
        const t0 = performance.now();
        await db.exec(step.sql);
        options.onStep?.(step, performance.now() - t0);
        progress.tick(1);
      }
    }
    progress.phase('writing the snapshot');
    for (const step of steps.filter((s) => s.part === 'cleanup')) await db.exec(step.sql);
    const span = (await db.query(`SELECT min(${ident(catalog.fact.time)}) AS a, max(${ident(catalog.fact.time)}) AS b FROM ${ident(catalog.fact.name)}`)).rows[0] ?? {};
    const meta: SnapshotMeta = {
      snapshotId: randomUUID(),
      ...(options.dataset ? { dataset: options.dataset.name } : {}),
      loadedAt: new Date().toISOString(),
      source: describeSource(options.source, kind),
      sourceKind: kind,
      rows,
      firstViewedAt: span['a'] instanceof Date ? span['a'].toISOString() : null,
      lastViewedAt: span['b'] instanceof Date ? span['b'].toISOString() : null,
      loadMs: Date.now() - started,
      synthetic,
      keyOrdered: await keyOrderedTables(db, catalog),
    };
    await writeMeta(db, meta);
    await db.exec('CHECKPOINT');
    db.close();
    db = undefined;
    progress.done();
    // An atomic replace: a reader of the path sees the old file or the new, and an engine
    // that pinned the old one (engine/pin.ts) keeps it whatever the path holds next.
    renameSync(tmp, target);
    return meta;
  } catch (e) {
    db?.close();
    removeTmp();
    throw e;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
