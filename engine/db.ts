// The one module that talks to DuckDB. Everything else hands it SQL text and bound values
// and gets plain JavaScript rows back.
import { DuckDBInstance, DuckDBTypeId, JSDuckDBValueConverter, listValue } from '@duckdb/node-api';
import type {
  DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBPreparedStatement,
  DuckDBResultReader,
  DuckDBValue,
  DuckDBValueConverter,
  JS,
} from '@duckdb/node-api';

/** A value that can be bound to a statement parameter: a scalar, or a list of them bound
 *  as one LIST parameter (long `in` lists: one value to bind, one hash join to run). */
export type Param = string | number | boolean | bigint | null | readonly (string | number | boolean)[];
export type Row = Record<string, unknown>;

export interface QueryResult {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: Row[];
}

/** Whether DuckDB refused a query for want of memory (its memory limit reached). */
export const isOutOfMemory = (e: unknown): boolean => /^Out of Memory Error/.test(e instanceof Error ? e.message : String(e));

/** A query stopped by its time limit. */
export class QueryInterrupted extends Error {
  override readonly name = 'QueryInterrupted';
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  /** DuckDB's memory limit, e.g. '1GB'. */
  readonly memoryLimit?: string;
  /** Where DuckDB spills what does not fit under the memory limit (default: DuckDB's own,
   *  `<file>.tmp` beside a file, `.tmp` in the working folder for ':memory:'). */
  readonly tempDirectory?: string;
  /** Key bits up to which a grouping uses a perfect hash table (DatasetDef.perfectHashBits);
   *  default 20. */
  readonly perfectHashBits?: number;
  /** DuckDB worker threads for this instance; default: DuckDB's own (the core count). */
  readonly threads?: number;
  /** Connections handed out concurrently. */
  readonly connections?: number;
}

// BIGINT columns arrive as bigint; ids and counts in this domain stay far below 2^53, and
// JSON cannot carry bigint, so they become numbers where that is exact.
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return v;
}

/** A parameter as DuckDB binds it. A list's element type is inferred from its first item,
 *  so a list of integers goes as HUGEINTs: inferred from a small first item it would be
 *  INTEGER and refuse a later one above 2^31 (the SQL casts it to the column's type). */
function bindable(p: Param): DuckDBValue {
  if (!Array.isArray(p)) return p as DuckDBValue;
  const ints = p.every((x) => typeof x === 'number' && Number.isInteger(x));
  return listValue(ints ? p.map((x) => BigInt(x as number)) : p);
}

/** Prepared statements kept per connection (see Database.prepared). */
const STATEMENTS_PER_CONNECTION = 64;

/** Interrupts a connection's query once `ms` have passed, and again every 10 ms after: an
 *  interrupt that lands before the query has started is otherwise lost. */
function interrupter(c: DuckDBConnection, ms: number): { fired: () => boolean; cancel: () => void } {
  let fired = false;
  let repeat: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    fired = true;
    c.interrupt();
    repeat = setInterval(() => c.interrupt(), 10);
  }, ms);
  return {
    fired: () => fired,
    cancel: () => {
      clearTimeout(first);
      clearInterval(repeat);
    },
  };
}

const DATE_INFINITY = 2 ** 31 - 1;

/** node-api's JavaScript values, except where they would not be exact or not plain text:
 *  - DECIMAL: its exact digits, with exactly the column's scale ("0.30" for the sum of 0.10
 *    and 0.20 in DECIMAL(12,2)), never a double (node-api's default);
 *  - DATE: `YYYY-MM-DD` (DuckDB's text; `infinity`, `-infinity`), not a JS Date at midnight.
 *  UUIDs are already their canonical lowercase text and booleans booleans. Nested values
 *  (lists, structs) are converted by the same rules. */
const exactValues: DuckDBValueConverter<JS> = (value, type, self) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toString();
    case DuckDBTypeId.DATE: {
      const days = (value as DuckDBDateValue).days;
      return days === DATE_INFINITY ? 'infinity' : days === -DATE_INFINITY ? '-infinity' : String(value);
    }
    default:
      return JSDuckDBValueConverter(value, type, self);
  }
};

function resultOf(reader: DuckDBResultReader): QueryResult {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const rows = reader.convertRowObjects(exactValues).map((r) => {
    const o: Row = {};
    for (const k of names) o[k] = plain(r[k]);
    return o;
  });
  return { columns: names.map((name, i) => ({ name, type: types[i] ?? 'UNKNOWN' })), rows };
}

export class Database {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private readonly all: DuckDBConnection[] = [];
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly path: string,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.threads) config['threads'] = String(options.threads);
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.tempDirectory) config['temp_directory'] = options.tempDirectory;
    // Group keys are dense integer ids: up to 2^20 of them (viewers, blogs) are grouped in a
    // perfect hash table indexed by the id, which halves the time of a per-viewer grouping
    // against DuckDB's default of 2^12 (measured at 10M views).
    config['perfect_ht_threshold'] = String(options.perfectHashBits ?? 20);
    const instance = await DuckDBInstance.create(path, config);
    const db = new Database(instance, path);
    const n = Math.max(1, options.connections ?? 4);
    for (let i = 0; i < n; i++) {
      const c = await instance.connect();
      // Stored timestamps are UTC instants; casts and calendar arithmetic must not depend on
      // the machine's zone.
      await c.run("SET TimeZone = 'UTC'");
      db.all.push(c);
      db.idle.push(c);
    }
    return db;
  }

  private acquire(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const c = this.idle.pop();
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(c: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }

  private async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  /** Runs one statement with bound parameters ($1, $2, ...) and reads all its rows;
   *  interrupted (QueryInterrupted) after `timeoutMs` where given. */
  async query(sql: string, params: readonly Param[] = [], timeoutMs?: number): Promise<QueryResult> {
    return this.withConnection(async (c) => {
      const stop = timeoutMs === undefined ? undefined : interrupter(c, timeoutMs);
      let reader;
      let stmt: DuckDBPreparedStatement | undefined;
      try {
        stmt = await this.prepared(c, sql);
        stmt.bind(params.map(bindable));
        reader = await stmt.runAndReadAll();
      } catch (e) {
        if (stmt) this.forget(c, sql);
        if (stop?.fired()) throw new QueryInterrupted(`interrupted after ${timeoutMs} ms`);
        throw e;
      } finally {
        stop?.cancel();
      }
      return resultOf(reader);
    });
  }

  /** Runs one statement like `query`, and calls `onShare` with DuckDB's own estimate of the
   *  share of it done (0 to 1) every `everyMs` while it runs: a load of millions of rows in
   *  one statement can then show how far it is. DuckDB tracks progress only when asked to,
   *  so only this call asks (without printing its own bar). */
  async queryWithProgress(sql: string, params: readonly Param[], onShare: (share: number) => void, everyMs = 100): Promise<QueryResult> {
    return this.withConnection(async (c) => {
      await c.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
      const poll = setInterval(() => {
        const p = c.progress.percentage;
        if (p > 0) onShare(Math.min(1, p / 100));
      }, everyMs);
      try {
        const reader = await c.runAndReadAll(sql, params.map(bindable));
        return resultOf(reader);
      } finally {
        clearInterval(poll);
        // A failed reset leaves progress tracked on this connection: slower by a hair, not wrong.
        await c.run('RESET enable_progress_bar; RESET enable_progress_bar_print; RESET progress_bar_time').catch(() => {});
      }
    });
  }

  /** Prepared statements per connection, by SQL text, the most recently used last. A
   *  question asked again with other values (another as_of, another page) is the same text:
   *  parsing and preparing it again cost the main thread about a millisecond each time. */
  private readonly statements = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();

  private async prepared(c: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let cache = this.statements.get(c);
    if (!cache) this.statements.set(c, (cache = new Map()));
    const hit = cache.get(sql);
    if (hit) {
      cache.delete(sql);
      cache.set(sql, hit);
      return hit;
    }
    const stmt = await c.prepare(sql);
    cache.set(sql, stmt);
    if (cache.size > STATEMENTS_PER_CONNECTION) {
      const [oldest, old] = cache.entries().next().value!;
      cache.delete(oldest);
      old.destroySync();
    }
    return stmt;
  }

  /** Drops a statement whose run failed (interrupted, or refused at run time). */
  private forget(c: DuckDBConnection, sql: string): void {
    const cache = this.statements.get(c);
    const stmt = cache?.get(sql);
    if (!stmt) return;
    cache!.delete(sql);
    stmt.destroySync();
  }

  /** Runs SQL text without parameters (DDL, scripts of several statements). */
  async exec(sql: string): Promise<void> {
    await this.withConnection((c) => c.run(sql).then(() => undefined));
  }

  /** Appends rows to a table through DuckDB's appender; values in column order. */
  async append(table: string, rows: readonly (readonly (string | number | null)[])[]): Promise<void> {
    await this.withConnection(async (c) => {
      const appender = await c.createAppender(table);
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else if (typeof v === 'number') Number.isInteger(v) ? appender.appendBigInt(BigInt(v)) : appender.appendDouble(v);
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
      appender.closeSync();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.all) c.closeSync();
    this.instance.closeSync();
  }
}
