// The engine the server talks to: an open snapshot and the questions it answers. The
// server hands it plain query specs and gets plain rows back; it never sees SQL.
import { LRUCache } from 'lru-cache';
import { Database, QueryInterrupted } from './db.ts';
import { startPool } from './pool.ts';
import type { QueryPool } from './pool.ts';
import type { Param } from './db.ts';
import { Sandbox } from './sandbox/sandbox.ts';
import type { SandboxOptions } from './sandbox/sandbox.ts';
import type { AdhocAnswer, AdhocRequest } from './sandbox/protocol.ts';
import type { Catalog } from './catalog.ts';
import { blogCatalog } from './catalog.ts';
import { buildFields } from './fields.ts';
import type { FieldDef } from './fields.ts';
import { readMeta } from './meta.ts';
import { pinSnapshot } from './pin.ts';
import type { Pin } from './pin.ts';
import type { SnapshotMeta } from './meta.ts';
import { QueryError } from './errors.ts';
import { filterLeaves, parseFilter } from './filter/parse.ts';
import type { FilterNode } from './filter/parse.ts';
import { compilePlan } from './query/compile-plan.ts';
import { toResult } from './results.ts';
import type { AnalyticsResult } from './results.ts';
import type { CompileOptions, CompiledQuery } from './query/compile-plan.ts';
import { snapshotFeatures } from './features.ts';
import { planFor } from './query/plan.ts';
import type { QuerySpec } from './query/spec.ts';
import { ident } from './sql.ts';
import type { WorkerGate } from './worker-gate.ts';

export type { AnalyticsResult, GroupRow, SeriesRow } from './results.ts';

export interface EngineOptions {
  readonly catalog?: Catalog;
  /** DuckDB threads; default: every core. */
  readonly threads?: number;
  /** Answers kept in the result cache (0: no cache). */
  readonly cacheEntries?: number;
  /** Read rollups, blog sets and first-seen columns where the snapshot has them (default);
   *  false: the fact table alone, the plain way (the reference for differential tests). */
  readonly rollups?: boolean;
  /** Told of every answer: for metrics and the slow-query log. */
  readonly onQuery?: (info: QueryInfo) => void;
  /** Worker threads answering queries, each with its own DuckDB (0: this thread). */
  readonly workers?: number;
  /** The processes answering ad-hoc SQL (the debug endpoint). */
  readonly sandbox?: SandboxOptions;
}

export interface QueryInfo {
  readonly kind: QuerySpec['kind'];
  readonly cached: boolean;
  readonly ms: number;
  /** The SQL and parameters (absent for cached answers). */
  readonly sql?: string;
  readonly params?: readonly Param[];
}

export interface RunOptions {
  /** Compute afresh even where the cache holds the answer (the answer is still stored). */
  readonly noCache?: boolean;
  /** Interrupt the query after this long (a QueryError query_timeout). */
  readonly timeoutMs?: number;
  /** Tests of the worker pool: the worker holds the query at this gate before querying. */
  readonly workerGate?: WorkerGate;
}

const hasRegex = (n: FilterNode): boolean => filterLeaves(n).some((l) => l.operator === 'regex');

export class Engine {
  readonly fields: ReadonlyMap<string, FieldDef>;
  /** Queries under way; a retired engine closes when the last one ends. */
  private active = 0;
  /** Answers served from the cache (for metrics and tests). */
  cacheHits = 0;
  private retired = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private markReleased: () => void = () => {};
  /** Resolves once the engine has closed, its workers have stopped and its pinned file is
   *  released (after a retire: once its last query ended). */
  readonly released = new Promise<void>((resolve) => (this.markReleased = resolve));
  /** Answers by normalised spec. A snapshot never changes, so an answer never goes stale;
   *  a reload opens a new engine, and with it an empty cache. */
  private readonly cache: LRUCache<string, AnalyticsResult> | undefined;

  private constructor(
    readonly db: Database,
    readonly catalog: Catalog,
    readonly meta: SnapshotMeta,
    cacheEntries: number,
    private readonly features: CompileOptions,
    private readonly onQuery: ((info: QueryInfo) => void) | undefined,
    private readonly pool: QueryPool | undefined,
    /** The pinned snapshot file, released once nothing reads it any more. */
    private readonly pin: Pin,
    /** The ad-hoc SQL processes (tests look at them). */
    readonly sandbox: Sandbox,
  ) {
    this.fields = buildFields(catalog);
    this.cache = cacheEntries > 0 ? new LRUCache({ max: cacheEntries }) : undefined;
  }

  /** Opens the snapshot now at `path`, read-only, and pins that file (pin.ts): whatever
   *  an import puts at the path later, this engine, its workers and its sandbox read the
   *  snapshot its meta describes. */
  static async open(path: string, options: EngineOptions = {}): Promise<Engine> {
    const pin = pinSnapshot(path);
    return Engine.openFile(pin, options).catch((e: unknown) => {
      pin.release();
      throw e;
    });
  }

  /** Opens a file another engine has pinned and keeps while this one lives (a worker's). */
  static openPinned(file: string, options: Omit<EngineOptions, 'workers'> = {}): Promise<Engine> {
    return Engine.openFile({ file, release: () => {} }, options);
  }

  private static async openFile(pin: Pin, options: EngineOptions): Promise<Engine> {
    const db = await Database.open(pin.file, { readOnly: true, ...(options.threads ? { threads: options.threads } : {}) });
    try {
      const catalog = options.catalog ?? blogCatalog;
      const features = await snapshotFeatures(db, catalog, options.rollups ?? true);
      const meta = await readMeta(db);
      // Workers and the ad-hoc SQL processes read the pinned file: the snapshot announced.
      return new Engine(db, catalog, meta, options.cacheEntries ?? 1000, features, options.onQuery,
        options.workers ? startPool({ file: pin.file, snapshotId: meta.snapshotId }, options.workers) : undefined, pin,
        new Sandbox(pin.file, options.sandbox));
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Parses a filter against this engine's catalog (a QueryError on bad input). */
  parseFilter(input: unknown, base = '/filters'): FilterNode | undefined {
    return parseFilter(input, this.catalog, this.fields, base);
  }

  /** The SQL and parameters a spec compiles to (pure; for tests, logs and EXPLAIN). */
  compile(spec: QuerySpec): CompiledQuery {
    return compilePlan(planFor(spec), this.catalog, this.fields, this.features);
  }

  /** Runs a spec. The in-flight count rises before the first await, so a request that
   *  holds this engine when a reload retires it still finishes on it. */
  async run(spec: QuerySpec, options: RunOptions = {}): Promise<AnalyticsResult> {
    if (this.closed) throw new Error('engine is closed');
    // The spec is plain data: its JSON is the normalised request (defaults applied, the
    // window resolved to instants, the filter parsed).
    const key = this.cache ? JSON.stringify(spec) : '';
    if (this.cache && !options.noCache) {
      const hit = this.cache.get(key);
      if (hit) {
        this.cacheHits++;
        this.onQuery?.({ kind: spec.kind, cached: true, ms: 0 });
        return hit;
      }
    }
    // One query per question in flight: concurrent misses for the same question wait for
    // the first one's answer instead of each running it. (noCache asks for a computation
    // of its own, so it neither joins nor is joined.)
    const shared = this.cache && !options.noCache;
    const running = shared ? this.inFlight.get(key) : undefined;
    if (running) {
      this.joinedQueries++;
      this.onQuery?.({ kind: spec.kind, cached: true, ms: 0 });
      return running;
    }
    const computed = this.compute(spec, key, options);
    if (shared) {
      this.inFlight.set(key, computed);
      const forget = () => this.inFlight.delete(key);
      computed.then(forget, forget);
    }
    return computed;
  }

  /** Questions under way, by cache key: later askers share the first one's answer. */
  private readonly inFlight = new Map<string, Promise<AnalyticsResult>>();
  /** Answers handed to a request that joined a question already under way (metrics, tests). */
  joinedQueries = 0;

  private async compute(spec: QuerySpec, key: string, options: RunOptions): Promise<AnalyticsResult> {
    this.active++;
    try {
      const t0 = performance.now();
      const result = this.pool ? await this.pool.execute(spec, options.timeoutMs, options.workerGate) : await this.runSpec(spec, options.timeoutMs);
      if (this.pool) this.onQuery?.({ kind: spec.kind, cached: false, ms: performance.now() - t0 });
      this.cache?.set(key, result);
      return result;
    } finally {
      this.ended();
    }
  }

  /** Closes once the queries under way have finished (a reload swapped in a new one). */
  retire(): void {
    this.retired = true;
    if (this.active === 0) void this.close();
  }

  /** A query ended: a retired engine closes when none is left. */
  private ended(): void {
    this.active--;
    if (this.retired && this.active === 0) {
      if (this.onIdle) this.onIdle();
      else void this.close();
    }
  }

  private async runSpec(spec: QuerySpec, timeoutMs: number | undefined): Promise<AnalyticsResult> {
    if (spec.kind === 'performance' && spec.userId !== null) {
      const found = await this.db.query(`SELECT 1 AS found FROM ${ident('user')} WHERE id = $1::BIGINT`, [spec.userId]);
      if (found.rows.length === 0) throw new QueryError('not_found', `no user with id ${spec.userId}`, [{ path: '/user_id', message: `no user with id ${spec.userId}` }]);
    }
    const plan = planFor(spec);
    const { sql, params } = compilePlan(plan, this.catalog, this.fields, this.features);
    let rows;
    const t0 = performance.now();
    try {
      ({ rows } = await this.db.query(sql, params, timeoutMs));
      this.onQuery?.({ kind: spec.kind, cached: false, ms: performance.now() - t0, sql, params });
    } catch (e) {
      if (e instanceof QueryInterrupted) throw new QueryError('query_timeout', `the query ran longer than ${timeoutMs} ms and was stopped`);
      // Patterns are checked with RE2J before they get here; should DuckDB's RE2 still
      // refuse one, that is the user's pattern, not a server fault.
      const message = (e as Error).message;
      if (spec.filter && hasRegex(spec.filter) && /^Invalid Input Error/.test(message))
        throw new QueryError('invalid_filter', 'invalid regular expression', [{ path: '/filters', message: message.replace(/^Invalid Input Error: /, '') }]);
      throw e;
    }
    return toResult(plan, rows);
  }

  /** Ad-hoc SQL (the debug endpoint), in sandbox processes: see sandbox/sandbox.ts. */
  adhoc(request: AdhocRequest): Promise<AdhocAnswer> {
    return this.closed ? Promise.reject(new Error('engine is closed')) : this.sandbox.run(request);
  }

  /** The worker pool's threads, where there is one (tests). */
  workerThreads(): readonly { terminate(): Promise<number> }[] {
    return this.pool?.threads() ?? [];
  }

  /** Closes once the worker pool (if any) has finished its queries and stopped: a worker
   *  thread must not be torn down while DuckDB executes for it. */
  async shutdown(): Promise<void> {
    // Queries still running (their HTTP clients may be gone) must finish before DuckDB's
    // connections close: closing a busy connection blocks the thread that must finish it.
    const idle = new Promise<void>((resolve) => (this.onIdle = resolve));
    this.retired = true;
    if (this.active === 0) this.onIdle?.();
    await idle;
    await this.close();
  }

  private onIdle: (() => void) | undefined;

  /** Closes now; resolves once the workers have stopped and the pinned file is released. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    const workersStopped = this.pool?.close().catch(() => {});
    this.db.close();
    void this.sandbox.close();
    // The link goes once no worker can open it again (a replaced worker would); DuckDB
    // instances that still have the file open keep reading it after the unlink.
    this.closing = Promise.resolve(workersStopped).then(() => {
      this.pin.release();
      this.markReleased();
    });
    return this.closing;
  }
}
