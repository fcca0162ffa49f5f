// The engine the server talks to: an open snapshot and the questions it answers. The
// server hands it plain query plans and gets plain rows back; it never sees SQL. The jobs
// live beside it: the snapshot's lifecycle (snapshot.ts), running a plan (runner.ts), the
// answers cache (answer-cache.ts), the worker pool (pool.ts), ad-hoc SQL (sandbox/).
import type { ClickHouse } from './clickhouse/backend.ts';
import { clickhouse } from './dialect/clickhouse.ts';
import { isOutOfMemory } from './db.ts';
import { SandboxError } from './sandbox/protocol.ts';
import type { QueryDb } from './snapshot.ts';
import { startPool } from './pool.ts';
import type { Executor, QueryPool } from './pool.ts';
import { Sandbox } from './sandbox/sandbox.ts';
import type { SandboxOptions } from './sandbox/sandbox.ts';
import type { AdhocAnswer, AdhocRequest } from './sandbox/protocol.ts';
import type { Catalog } from './catalog.ts';
import type { DatasetDef } from './dataset.ts';
import { buildFields } from './fields.ts';
import type { FieldDef } from './fields.ts';
import type { SnapshotMeta } from './meta.ts';
import { parseFilter } from './filter/parse.ts';
import type { FilterNode } from './filter/parse.ts';
import { compilePlan } from './query/compile-plan.ts';
import type { CompiledQuery } from './query/compile-plan.ts';
import type { ListPlan, Plan } from './query/nodes.ts';
import type { Dialect } from './dialect/dialect.ts';
import { tableDef, tableKey } from './catalog.ts';
import type { PlanResult } from './results.ts';
import { AnswerCache } from './answer-cache.ts';
import { runPlan } from './runner.ts';
import type { QueryInfo } from './runner.ts';
import { Snapshot } from './snapshot.ts';
import type { SnapshotOptions, SnapshotReader } from './snapshot.ts';
import type { WorkerGate } from './worker-gate.ts';

export type { PlanResult } from './results.ts';
export type { QueryInfo } from './runner.ts';

export interface EngineOptions extends SnapshotOptions {
  /** Answers kept in the result cache (0: no cache). */
  readonly cacheEntries?: number;
  /** Told of every answer: for metrics and the slow-query log. */
  readonly onQuery?: (info: QueryInfo) => void;
  /** Worker threads answering queries, each with its own DuckDB (0: this thread). */
  readonly workers?: number;
  /** The processes answering ad-hoc SQL (the debug endpoint). */
  readonly sandbox?: SandboxOptions;
}

export interface WalkOptions {
  /** Rows per query. */
  readonly batch: number;
  /** Rows of the first query, where fewer than `batch`: a streamed answer's first byte
   *  waits for the first page only (1M members: 2,000 members' periods took 0.1-0.5 s). */
  readonly first?: number | undefined;
  /** Rows skipped before the first. */
  readonly offset: number;
  /** Rows at most (undefined: every one). */
  readonly limit?: number | undefined;
  /** Each query's time limit. */
  readonly timeoutMs?: number | undefined;
  readonly label?: string;
  /** Told why the walk's later pages go through the snapshot's own DuckDB (its own reader
   *  refused: MAX_READERS open, or it failed to open): for the server's log. */
  readonly onNote?: (message: string) => void;
}

export interface RunOptions {
  /** Compute afresh even where the cache holds the answer (the answer is still stored). */
  readonly noCache?: boolean;
  /** Interrupt the query after this long (a QueryError query_timeout). */
  readonly timeoutMs?: number;
  /** Tests of the worker pool: the worker holds the query at this gate before querying. */
  readonly workerGate?: WorkerGate;
  /** What asks (the endpoint's name), for the timings told to `onQuery`. */
  readonly label?: string;
}

/** Where queries run: this thread's DuckDB, or the worker pool (timed here, as the workers
 *  do not report). */
function chooseExecutor(snapshot: Snapshot, pool: QueryPool | undefined, onQuery: EngineOptions['onQuery']): Executor {
  if (!pool) return (plan, timeoutMs, _gate, label) => runPlan(snapshot, plan, timeoutMs, onQuery, label);
  return async (plan, timeoutMs, gate, label) => {
    const t0 = performance.now();
    const result = await pool.execute(plan, timeoutMs, gate);
    onQuery?.({ kind: label ?? plan.kind, cached: false, ms: performance.now() - t0 });
    return result;
  };
}

export class Engine {
  private readonly execute: Executor;
  private readonly onQuery: EngineOptions['onQuery'];
  /** Fields from roots other than the fact root, built on first use. */
  private readonly rootFields = new Map<string, ReadonlyMap<string, FieldDef>>();

  private constructor(
    private readonly snapshot: Snapshot,
    private readonly answers: AnswerCache,
    private readonly pool: QueryPool | undefined,
    /** The ad-hoc SQL processes (tests look at them); none on ClickHouse. */
    readonly sandbox: Sandbox | undefined,
    onQuery: EngineOptions['onQuery'],
  ) {
    this.execute = chooseExecutor(snapshot, pool, onQuery);
    this.onQuery = onQuery;
  }

  /** Opens the snapshot now at `path`, read-only, and pins that file (pin.ts): whatever
   *  an import puts at the path later, this engine, its workers and its sandbox read the
   *  snapshot its meta describes. */
  static async open(path: string, options: EngineOptions = {}): Promise<Engine> {
    const snapshot = await Snapshot.open(path, options);
    try {
      // Workers and the ad-hoc SQL processes read the pinned file: the snapshot announced.
      const pool = options.workers ? startPool({ file: snapshot.file, snapshotId: snapshot.meta.snapshotId }, options.workers) : undefined;
      if (pool) snapshot.addReader(() => pool.close().catch(() => {}));
      const sandbox = new Sandbox(snapshot.file, options.sandbox);
      snapshot.addReader(() => void sandbox.close());
      return new Engine(snapshot, new AnswerCache(options.cacheEntries ?? 1000, options.onQuery), pool, sandbox, options.onQuery);
    } catch (e) {
      await snapshot.close();
      throw e;
    }
  }

  /** Opens the data a ClickHouse import loaded into `ch`'s database (BACKEND=clickhouse):
   *  the same plans in the ClickHouse dialect, answered on this thread (the server does the
   *  work), without the ad-hoc SQL sandbox. */
  static async openClickHouse(ch: ClickHouse, options: EngineOptions = {}): Promise<Engine> {
    const snapshot = await Snapshot.fromClickHouse(ch, clickhouse, options);
    return new Engine(snapshot, new AnswerCache(options.cacheEntries ?? 1000, options.onQuery), undefined, undefined, options.onQuery);
  }

  get db(): QueryDb {
    return this.snapshot.db;
  }

  /** The SQL the engine's plans compile to. */
  get dialect(): Dialect {
    return this.snapshot.dialect;
  }

  get catalog(): Catalog {
    return this.snapshot.catalog;
  }

  /** The dataset this engine's snapshot holds. */
  get dataset(): DatasetDef {
    return this.snapshot.dataset;
  }

  get meta(): SnapshotMeta {
    return this.snapshot.meta;
  }

  get fields(): ReadonlyMap<string, FieldDef> {
    return this.snapshot.fields;
  }

  /** Answers served from the cache (for metrics and tests). */
  get cacheHits(): number {
    return this.answers.cacheHits;
  }

  /** Answers handed to a request that joined a question already under way (metrics, tests). */
  get joinedQueries(): number {
    return this.answers.joinedQueries;
  }

  /** Resolves once the engine has closed, its workers have stopped and its pinned file is
   *  released (after a retire: once its last query ended). */
  get released(): Promise<void> {
    return this.snapshot.released;
  }

  /** Parses a filter against this engine's catalog, from the fact root or another table
   *  (a QueryError on bad input). */
  parseFilter(input: unknown, base = '/filters', root?: string): FilterNode | undefined {
    return parseFilter(input, this.catalog, this.fieldsOf(root), base);
  }

  /** The field paths from a table of the catalog (default: the fact root), as the filters
   *  rooted there read them. The caller checks that `root` is one of the catalog's tables. */
  fieldsOf(root?: string): ReadonlyMap<string, FieldDef> {
    if (root === undefined || root === this.catalog.root) return this.fields;
    let fields = this.rootFields.get(root);
    if (!fields) this.rootFields.set(root, (fields = buildFields(this.catalog, root)));
    return fields;
  }

  /** The SQL and parameters a plan compiles to (pure; for tests, logs and EXPLAIN). */
  compile(plan: Plan): CompiledQuery {
    return compilePlan(plan, this.snapshot.dataset, this.fields, this.snapshot.features, this.snapshot.dialect);
  }

  /** Runs a plan. The in-flight count rises before the first await, so a request that
   *  holds this engine when a reload retires it still finishes on it. */
  async run(plan: Plan, options: RunOptions = {}): Promise<PlanResult> {
    if (this.snapshot.closed) throw new Error('engine is closed');
    return this.answers.answer(
      plan,
      options.noCache ?? false,
      () => this.snapshot.use(() => this.execute(plan, options.timeoutMs, options.workerGate, options.label)),
      options.label,
    );
  }

  /** Every row of a list plan in pages of at most `batch` rows, by key, from `offset`, at
   *  most `limit` rows in all (undefined: all): each page is one query after the last key
   *  of the one before (keyset paging: no offset past the first), uncached and uncounted,
   *  so that a table of any size is read in bounded memory. The snapshot is held until the
   *  walk ends or its consumer stops it (return()): a reload meanwhile does not close it. */
  async *walk(plan: ListPlan, o: WalkOptions): AsyncGenerator<readonly Record<string, unknown>[]> {
    if (plan.order.length > 0) throw new Error('walk: a list in key order only (order must be empty)');
    const key = tableKey(tableDef(this.catalog, plan.table));
    if (!plan.columns.includes(key) && plan.json === undefined) throw new Error(`walk: the plan must list the key '${key}' (or answer JSON)`);
    const release = this.snapshot.hold();
    // The pages after the first are read by a DuckDB of the walk's own (snapshot
    // openReader()), so that the blocks of a whole table do not stay cached in the server's
    // memory; the first page is read as any query is, so that the first byte does not wait
    // for an instance to open.
    let reader: SnapshotReader | undefined;
    let opened = false;
    try {
      let left = o.limit ?? Infinity;
      let after: number | string | undefined;
      for (let first = true; left > 0; first = false) {
        const n = Math.min(first ? Math.min(o.first ?? o.batch, o.batch) : o.batch, left);
        // One row past the page says whether another page follows: a walk whose rows end
        // exactly at a page's end then neither opens a reader nor asks for an empty page.
        const ask = left > n ? n + 1 : n;
        const page: ListPlan = { ...plan, limit: ask, offset: first ? o.offset : 0, walk: after === undefined ? {} : { after } };
        if (!first && !opened) {
          opened = true;
          const got = await this.snapshot.openReader();
          if (got && 'refused' in got) o.onNote?.(`reading the rest through the server's DuckDB: ${got.refused}`);
          else reader = got;
        }
        let answer: Awaited<ReturnType<typeof runPlan>> | undefined;
        if (reader)
          try {
            answer = await runPlan(reader, page, o.timeoutMs, this.onQuery, o.label);
          } catch (e) {
            // A page too large for the reader's small buffer pool (many children per row)
            // is read again, with the rest, through the snapshot's DuckDB: a whole answer
            // rather than one cut short.
            if (!isOutOfMemory(e)) throw e;
            reader.close();
            reader = undefined;
            o.onNote?.(`reading the rest through the server's DuckDB: a page needed more than its own DuckDB's ${this.snapshot.readerMemory}`);
          }
        const { rows: got } = answer ?? (await this.execute(page, o.timeoutMs, undefined, o.label));
        const rows = got.length > n ? got.slice(0, n) : got;
        if (rows.length > 0) yield rows;
        if (got.length < ask) return;
        left -= rows.length;
        after = rows.at(-1)![key] as number | string;
      }
    } finally {
      try {
        reader?.close();
      } finally {
        release();
      }
    }
  }

  /** Ad-hoc SQL (the debug endpoint), in sandbox processes: see sandbox/sandbox.ts. Counted
   *  in flight like a query, so that a reload's retire does not stop the sandbox under it. */
  adhoc(request: AdhocRequest): Promise<AdhocAnswer> {
    const sandbox = this.sandbox;
    if (!sandbox) return Promise.reject(new SandboxError('forbidden', 'ad-hoc SQL runs on the DuckDB backend only (BACKEND=duckdb)'));
    return this.snapshot.use(() => sandbox.run(request));
  }

  /** The worker pool's threads, where there is one (tests). */
  workerThreads(): readonly { terminate(): Promise<number> }[] {
    return this.pool?.threads() ?? [];
  }

  /** Closes once the queries under way have finished (a reload swapped in a new one). */
  retire(): void {
    this.snapshot.retire();
  }

  /** Closes once the worker pool (if any) has finished its queries and stopped: a worker
   *  thread must not be torn down while DuckDB executes for it. */
  shutdown(): Promise<void> {
    return this.snapshot.shutdown();
  }

  /** Closes now; resolves once the workers have stopped and the pinned file is released. */
  close(): Promise<void> {
    return this.snapshot.close();
  }
}
