// The snapshot lifecycle: a snapshot file pinned (pin.ts) and opened read-only in DuckDB,
// with the features and meta read from it once; the queries under way on it; and its end:
// closed now, or once its last query ends (retire, shutdown), after which the things that
// read the pinned file stop and the pin is released. What runs a query is runner.ts.
import { Database } from './db.ts';
import type { Param, QueryResult } from './db.ts';
import type { Dialect } from './dialect/dialect.ts';
import { duckdb } from './dialect/duckdb.ts';
import type { Catalog } from './catalog.ts';
import type { DatasetDef } from './dataset.ts';
import { DEFAULT_DATASET } from './datasets/index.ts';
import { buildFields } from './fields.ts';
import type { FieldDef } from './fields.ts';
import { readMeta } from './meta.ts';
import type { SnapshotMeta } from './meta.ts';
import { pinSnapshot } from './pin.ts';
import type { Pin } from './pin.ts';
import { snapshotFeatures } from './features.ts';
import type { CompileOptions } from './query/compile-plan.ts';
import type { QueryTarget } from './runner.ts';

/** The buffer pool of a long read's own DuckDB (openReader): a page of 2,000 members with
 *  their periods needs a few MiB of data, but DuckDB's operators reserve more (at 11
 *  periods a member, 32 MB ran out on the first page: an 8 MiB allocation beside 23 MiB
 *  of blocks); the rest would be cached blocks kept after the walk. A page that still runs
 *  out is read again through the snapshot's own DuckDB (engine walk()). */
const READER_MEMORY = '64MB';
/** Long reads with a DuckDB of their own at once, per snapshot: each holds a thread and up
 *  to READER_MEMORY. Past this many, a long read goes through the snapshot's own DuckDB
 *  (it then caches what it reads, as any query does) rather than open an instance per
 *  concurrent /fetch/, which only the rate limit would bound. */
export const MAX_READERS = 4;

/** A DuckDB of its own on the pinned file, closed when the long read ends. */
export interface SnapshotReader extends QueryTarget {
  close(): void;
}

export interface SnapshotOptions {
  /** The dataset the snapshot holds (default: DEFAULT_DATASET). */
  readonly dataset?: DatasetDef;
  /** DuckDB threads; default: every core. */
  readonly threads?: number;
  /** Read rollups, blog sets and first-seen columns where the snapshot has them (default);
   *  false: the fact table alone, the plain way (the reference for differential tests). */
  readonly rollups?: boolean;
  /** The buffer pool of a long read's own DuckDB (default READER_MEMORY; tests set less). */
  readonly readerMemory?: string;
}

/** What queries run on: DuckDB's Database, or a ClickHouse backend (clickhouse/). */
export interface QueryDb {
  /** Where the data are, for logs. */
  readonly path: string;
  query(sql: string, params?: readonly Param[], timeoutMs?: number): Promise<QueryResult>;
  close(): void | Promise<void>;
}

/** Stops something that reads the pinned file; a promise returned is waited for before the
 *  pin is released. */
export type StopReader = () => Promise<unknown> | void;

export class Snapshot {
  readonly fields: ReadonlyMap<string, FieldDef>;
  /** Queries under way; a retired snapshot closes when the last one ends. */
  private active = 0;
  private openReaders = 0;
  /** The buffer pool of each long read's own DuckDB. */
  readerMemory = READER_MEMORY;
  private retired = false;
  private isClosed = false;
  private closing: Promise<void> | undefined;
  private onIdle: (() => void) | undefined;
  /** Readers of the pinned file besides this DuckDB (workers, sandbox processes). */
  private readonly readers: StopReader[] = [];
  private markReleased: () => void = () => {};
  /** Resolves once the snapshot has closed, its readers have stopped and its pinned file is
   *  released (after a retire: once its last query ended). */
  readonly released = new Promise<void>((resolve) => (this.markReleased = resolve));

  private constructor(
    readonly db: QueryDb,
    readonly dataset: DatasetDef,
    readonly meta: SnapshotMeta,
    readonly features: CompileOptions,
    /** The pinned snapshot file, released once nothing reads it any more. */
    private readonly pin: Pin,
    /** The SQL the plans are compiled to. */
    readonly dialect: Dialect = duckdb,
  ) {
    this.fields = buildFields(dataset.catalog);
  }

  get catalog(): Catalog {
    return this.dataset.catalog;
  }

  /** Opens the snapshot now at `path`, read-only, and pins that file (pin.ts): whatever an
   *  import puts at the path later, this snapshot and its readers read the one its meta
   *  describes. */
  static async open(path: string, options: SnapshotOptions = {}): Promise<Snapshot> {
    const pin = pinSnapshot(path);
    return Snapshot.openFile(pin, options).catch((e: unknown) => {
      pin.release();
      throw e;
    });
  }

  /** The data a ClickHouse import loaded into `db`'s database (data/clickhouse-load.ts):
   *  its meta as the import wrote it, the plain plans (no DuckDB accelerators: README,
   *  "ClickHouse"), the ClickHouse dialect. Nothing is pinned: an import switches tables in
   *  by renaming, each whole. */
  static async fromClickHouse(db: QueryDb, dialect: Dialect, options: SnapshotOptions = {}): Promise<Snapshot> {
    const dataset = options.dataset ?? DEFAULT_DATASET;
    const meta = await readMeta(db);
    const holds = meta.dataset ?? DEFAULT_DATASET.name;
    if (holds !== dataset.name) throw new Error(`${db.path} holds the ${holds} dataset, not ${dataset.name}`);
    return new Snapshot(db, dataset, meta, { rollups: false }, { file: '', release: () => {} }, dialect);
  }

  /** Opens a file another thread has pinned and keeps while this one lives (a worker's). */
  static openPinned(file: string, options: SnapshotOptions = {}): Promise<Snapshot> {
    return Snapshot.openFile({ file, release: () => {} }, options);
  }

  private static async openFile(pin: Pin, options: SnapshotOptions): Promise<Snapshot> {
    const dataset = options.dataset ?? DEFAULT_DATASET;
    const db = await Database.open(pin.file, { readOnly: true, ...(options.threads ? { threads: options.threads } : {}), ...(dataset.perfectHashBits === undefined ? {} : { perfectHashBits: dataset.perfectHashBits }) });
    try {
      const meta = await readMeta(db);
      // Served as another dataset, a snapshot would answer with the wrong tables.
      const holds = meta.dataset ?? DEFAULT_DATASET.name;
      if (holds !== dataset.name) throw new Error(`snapshot ${pin.file} holds the ${holds} dataset, not ${dataset.name}`);
      const features = await snapshotFeatures(db, dataset.catalog, options.rollups ?? true, meta.keyOrdered);
      const snapshot = new Snapshot(db, dataset, meta, features, pin);
      if (options.readerMemory) snapshot.readerMemory = options.readerMemory;
      return snapshot;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** The file to open for the snapshot this one read (the pinned link). */
  get file(): string {
    return this.pin.file;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** A DuckDB of its own on the pinned file for a long read (a walk through a whole table,
   *  engine walk()), with a small buffer pool and one thread: the blocks the walk reads are
   *  evicted as it goes and all freed when it closes. Read through the snapshot's own
   *  DuckDB, every block of the table would stay cached in the server's memory after the
   *  walk (1M members' /fetch/: +80 MiB of its +220 MiB, kept). Undefined on ClickHouse
   *  (nothing pinned, nothing cached here); `refused`, saying why, where it cannot be
   *  opened or MAX_READERS are open. The caller then reads through the snapshot's DuckDB. The caller holds the snapshot (hold()) while the
   *  reader is open and closes the reader before releasing it. */
  async openReader(): Promise<SnapshotReader | { readonly refused: string } | undefined> {
    if (this.pin.file === '' || this.isClosed) return undefined;
    if (this.openReaders >= MAX_READERS) return { refused: `${MAX_READERS} long reads have a DuckDB of their own already` };
    this.openReaders++;
    let db: Database;
    try {
      db = await Database.open(this.pin.file, { readOnly: true, threads: 1, memoryLimit: this.readerMemory, connections: 1, ...(this.dataset.perfectHashBits === undefined ? {} : { perfectHashBits: this.dataset.perfectHashBits }) });
    } catch (e) {
      this.openReaders--;
      return { refused: `its own DuckDB did not open: ${e instanceof Error ? e.message : String(e)}` };
    }
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      this.openReaders--;
      db.close();
    };
    return { db, dialect: this.dialect, dataset: this.dataset, fields: this.fields, features: this.features, close };
  }

  /** Registers a reader of the pinned file, stopped when this snapshot closes. */
  addReader(stop: StopReader): void {
    this.readers.push(stop);
  }

  /** Runs a query on this snapshot. The in-flight count rises before the first await, so a
   *  query under way when a reload retires the snapshot still finishes on it. */
  async use<T>(query: () => Promise<T>): Promise<T> {
    if (this.isClosed) throw new Error('engine is closed');
    this.active++;
    try {
      return await query();
    } finally {
      this.ended();
    }
  }

  /** Holds the snapshot open, as a query under way does, until the returned release is
   *  called (once): a walk through a table in pages (engine walk()) reads one snapshot. */
  hold(): () => void {
    if (this.isClosed) throw new Error('engine is closed');
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.ended();
    };
  }

  /** A query ended: a retired snapshot closes when none is left. */
  private ended(): void {
    this.active--;
    if (this.retired && this.active === 0) {
      if (this.onIdle) this.onIdle();
      else void this.close();
    }
  }

  /** Closes once the queries under way have finished (a reload swapped in a new one). */
  retire(): void {
    this.retired = true;
    if (this.active === 0) void this.close();
  }

  /** Closes once the queries under way have finished and the readers have stopped.
   *  Queries still running (their HTTP clients may be gone) must finish before DuckDB's
   *  connections close: closing a busy connection blocks the thread that must finish it. */
  async shutdown(): Promise<void> {
    const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
    this.retired = true;
    if (this.active === 0) this.onIdle?.();
    await idle;
    await this.close();
  }

  /** Closes now; resolves once the readers have stopped and the pinned file is released. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.isClosed = true;
    const stopped: unknown[] = this.readers.map((stop) => stop());
    stopped.push(this.db.close());
    // The link goes once no reader can open it again (a replaced worker would); DuckDB
    // instances that still have the file open keep reading it after the unlink.
    this.closing = Promise.all(stopped).then(() => {
      this.pin.release();
      this.markReleased();
    });
    return this.closing;
  }
}
