// The one module that talks to ClickHouse: a server over HTTP (the official
// @clickhouse/client, CLICKHOUSE_URL), or chdb, the same engine in this process (tests and the
// benchmark; installed apart: README "ClickHouse"). Everything else hands it SQL text with
// `{pN:Type}` placeholders and the values, and gets db.ts's plain rows back: values travel
// beside the text, never in it.
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { QueryInterrupted } from '../db.ts';
import type { Param, QueryResult } from '../db.ts';
import { rowsOf } from './rows.ts';
import { CLUSTER_SETTINGS, QUERY_SETTINGS } from './settings.ts';

export interface ClickHouseOptions {
  /** A server's HTTP interface (`http://127.0.0.1:8123`; user and password in the URL);
   *  absent: chdb in this process. */
  readonly url?: string | undefined;
  /** The database the queries' table names are read in. */
  readonly database: string;
  /** A cluster of the server's configuration: tables are sharded over it (import). */
  readonly cluster?: string | undefined;
  /** chdb's data folder (default: a temporary one, removed when the process ends). */
  readonly chdbPath?: string | undefined;
}

/** A parameter's value as the clients send it: a scalar as its text (parsed by ClickHouse
 *  as the declared type), a list as a list (each client writes it as an array literal:
 *  text quoted and escaped, numbers bare; decimals travel as text, dialect listParam);
 *  null as SQL NULL. */
function paramValue(v: Param): string | readonly (string | number | boolean)[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v;
  return String(v);
}

/** The placeholders' declared types, by index, from the SQL text. */
function placeholderTypes(sql: string): Map<number, string> {
  const types = new Map<number, string>();
  for (const m of sql.matchAll(/\{p(\d+):([^{}]+)\}/g)) types.set(Number(m[1]), m[2]!);
  return types;
}

function namedParams(sql: string, params: readonly Param[]): Record<string, unknown> {
  const types = placeholderTypes(sql);
  const out: Record<string, unknown> = {};
  params.forEach((v, i) => {
    if (types.has(i + 1)) out[`p${i + 1}`] = paramValue(v);
  });
  return out;
}

interface ChdbSession {
  queryBindAsync(query: string, params: object, opts?: { format?: string; timeout?: number }): Promise<{ text(): string }>;
  queryAsync(query: string, opts?: { format?: string; timeout?: number }): Promise<{ text(): string }>;
  close(): void;
}

/** chdb, from a normal install or from the folder the conformance test installs it into
 *  (`npm install --prefix .chdb chdb`), searched upward from this module. */
function loadChdb(): { Session: new (path?: string) => ChdbSession } {
  const require = createRequire(import.meta.url);
  const explicit = process.env['CHDB_MODULE'];
  if (explicit) return require(resolve(explicit)) as never;
  try {
    return require('chdb') as never;
  } catch {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = join(dir, '.chdb', 'node_modules', 'chdb');
      if (existsSync(candidate)) return require(candidate) as never;
      const up = dirname(dir);
      if (up === dir) throw new Error('chdb is not installed: npm install --prefix .chdb chdb@3.4.x (README, "ClickHouse")');
      dir = up;
    }
  }
}

/** One chdb session per process and data folder (the engine is one per process), shared by
 *  every database; its statements run one at a time, each after a `USE` of its database. */
class ChdbEngine {
  private static readonly open = new Map<string, ChdbEngine>();
  private tail: Promise<unknown> = Promise.resolve();
  private current: string | undefined;

  private constructor(private readonly session: ChdbSession) {}

  static get(path: string | undefined): ChdbEngine {
    const key = path ?? '';
    let e = ChdbEngine.open.get(key);
    if (!e) {
      const { Session } = loadChdb();
      e = new ChdbEngine(path ? new Session(path) : new Session());
      ChdbEngine.open.set(key, e);
    }
    return e;
  }

  run(database: string, sql: string, params: Record<string, unknown> | undefined, settings: string, timeoutMs?: number): Promise<string> {
    const go = async () => {
      if (this.current !== database) {
        await this.session.queryAsync(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
        await this.session.queryAsync(`USE \`${database}\``);
        await this.session.queryAsync(settings);
        this.current = database;
      }
      const opts = { format: 'JSONCompact', ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }) };
      try {
        const r = params ? await this.session.queryBindAsync(sql, params, opts) : await this.session.queryAsync(sql, opts);
        return r.text();
      } catch (e) {
        // chdb 3.4 keeps what a query that failed while running (throwIf: a refusal) had
        // written, and puts it before the next query's answer (two JSON documents): a
        // statement whose answer is dropped takes it.
        await this.session.queryAsync('SELECT 1', { format: 'JSONCompact' }).catch(() => {});
        throw e;
      }
    };
    const result = this.tail.then(go, go);
    this.tail = result.catch(() => {});
    return result;
  }
}

const setStatement = (s: Readonly<Record<string, string | number>>) =>
  `SET ${Object.entries(s).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}`;

export class ClickHouse {
  private constructor(
    readonly options: ClickHouseOptions,
    private readonly client: ClickHouseClient | undefined,
    private readonly chdb: ChdbEngine | undefined,
  ) {}

  /** Where the data are, for logs: the server's URL without its password, or chdb. */
  get path(): string {
    if (!this.options.url) return `chdb:${this.options.database}`;
    const u = new URL(this.options.url);
    u.password = '';
    return `${u.toString()}${this.options.database}`;
  }

  get database(): string {
    return this.options.database;
  }

  get cluster(): string | undefined {
    return this.options.cluster;
  }

  static async connect(options: ClickHouseOptions): Promise<ClickHouse> {
    const settings = { ...QUERY_SETTINGS, ...(options.cluster ? CLUSTER_SETTINGS : {}) };
    if (!options.url) return new ClickHouse(options, undefined, ChdbEngine.get(options.chdbPath));
    const { createClient } = await import('@clickhouse/client');
    const client = createClient({ url: options.url, database: options.database, clickhouse_settings: settings as never, request_timeout: 300_000 });
    return new ClickHouse(options, client, undefined);
  }

  /** Creates the database if it is missing (the server's user may create it; chdb's always). */
  async ensureDatabase(): Promise<void> {
    if (!this.client) return;
    const { createClient } = await import('@clickhouse/client');
    const admin = createClient({ url: this.options.url!, request_timeout: 60_000 });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS \`${this.options.database.replaceAll('`', '')}\`${this.options.cluster ? ` ON CLUSTER \`${this.options.cluster}\`` : ''}` });
    } finally {
      await admin.close();
    }
  }

  /** Runs one statement with its parameters ({pN:Type} <- params[N-1]) and reads all its
   *  rows; stopped (QueryInterrupted) after `timeoutMs` where given. */
  async query(sql: string, params: readonly Param[] = [], timeoutMs?: number): Promise<QueryResult> {
    const named = namedParams(sql, params);
    try {
      if (this.chdb) {
        const text = await this.chdb.run(this.database, sql, named, setStatement(this.sessionSettings()), timeoutMs);
        return rowsOf(JSON.parse(text));
      }
      const result = await this.client!.query({
        query: sql,
        format: 'JSONCompact',
        query_params: named,
        // The server stops the query itself; the client gives up a little later.
        ...(timeoutMs === undefined ? {} : { clickhouse_settings: { max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)) }, abort_signal: AbortSignal.timeout(timeoutMs + 1000) }),
      });
      return rowsOf((await result.json()) as never);
    } catch (e) {
      const m = (e as Error).message ?? '';
      if (timeoutMs !== undefined && /TIMEOUT_EXCEEDED|timed? ?out|abort/i.test(m)) throw new QueryInterrupted(`interrupted after ${timeoutMs} ms`);
      throw e;
    }
  }

  private sessionSettings(): Readonly<Record<string, string | number>> {
    return { ...QUERY_SETTINGS, ...(this.options.cluster ? CLUSTER_SETTINGS : {}) };
  }

  /** Runs a statement that answers no rows (DDL, INSERT ... SELECT), with `{name:Type}`
   *  parameters where given (by name). */
  async exec(sql: string, params?: Readonly<Record<string, string>>): Promise<void> {
    if (this.chdb) {
      await this.chdb.run(this.database, sql, params, setStatement(this.sessionSettings()));
      return;
    }
    await this.client!.command({ query: sql, ...(params ? { query_params: params } : {}) });
  }

  /** Appends the rows of a Parquet file to a table (columns by name). */
  async insertParquet(table: string, file: string): Promise<void> {
    if (this.chdb) {
      // The file is one the importer wrote itself (a temporary path), never a user's text.
      const path = file.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
      await this.exec(`INSERT INTO ${table} SELECT * FROM file('${path}', Parquet)`);
      return;
    }
    await this.client!.insert({ table, values: createReadStream(file), format: 'Parquet' });
  }

  async close(): Promise<void> {
    // chdb's session lives as long as the process: other databases may use it.
    await this.client?.close();
  }
}
