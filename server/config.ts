// Configuration from the environment (and a .env file), each with a default that works on
// a new machine.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { DATASETS, DEFAULT_DATASET } from '../engine/index.ts';
import type { DatasetDef, SandboxOptions } from '../engine/index.ts';
import { entriesOfFile, entriesOfList, parseAccessKeys } from './access-keys.ts';
import type { AccessKey, KeyEntry } from './access-keys.ts';

/** The folder of every dataset's snapshot on a new clone (DATA_DIR). */
export const DEFAULT_DATA_DIR = 'data';

/** The snapshot path of a new clone: the only one where a missing file is replaced by
 *  generated data unless GENERATE_DEFAULT says otherwise. */
export const DEFAULT_ANALYTICS_DB = 'data/analytics.duckdb';

/** Where a dataset's snapshot is served from, and whether a missing one is generated. */
export interface SnapshotConfig {
  readonly dataset: string;
  readonly path: string;
  readonly generateDefault: boolean;
}

const snapshotFile = (ds: DatasetDef) => ds.snapshotFile ?? `${ds.name}.duckdb`;

/** Where the answers come from (BACKEND): the snapshot files, or ClickHouse. */
export interface ClickHouseConfig {
  /** CLICKHOUSE_URL: a server's HTTP interface; absent: chdb in this process. */
  readonly url: string | undefined;
  /** CLICKHOUSE_DATABASE: the blog's database (the others': `<it>_<dataset>`). */
  readonly database: string;
  /** CLICKHOUSE_CLUSTER: the cluster the tables are spread over; absent: one server. */
  readonly cluster: string | undefined;
  /** chdb's data folder (no URL): beside the snapshots, `<DATA_DIR>/chdb`. */
  readonly chdbPath: string;
}

/** The ClickHouse database a dataset lives in: the blog's is the configured one, as its
 *  snapshot is ANALYTICS_DB; every other dataset's has its name appended. */
export function clickhouseDatabase(c: Pick<ClickHouseConfig, 'database'>, dataset: string): string {
  return dataset === DEFAULT_DATASET.name ? c.database : `${c.database}_${dataset}`;
}

export interface Config {
  readonly backend: 'duckdb' | 'clickhouse';
  readonly clickhouse: ClickHouseConfig;
  readonly port: number;
  readonly host: string;
  /** The blog's snapshot (ANALYTICS_DB). */
  readonly analyticsDb: string;
  /** DATA_DIR: the folder of every dataset's snapshot (default: ANALYTICS_DB's folder where
   *  that is set, else `data`). */
  readonly dataDir: string;
  /** Every dataset's snapshot: the blog's at ANALYTICS_DB, the others' `<name>.duckdb` in
   *  DATA_DIR; the blog's first. */
  readonly snapshots: readonly SnapshotConfig[];
  readonly debugToken: string | undefined;
  readonly pgUrl: string | undefined;
  readonly logLevel: string;
  readonly workers: number;
  /** GENERATE_DEFAULT: build a generated default where the blog's snapshot is missing (each
   *  dataset's: `snapshots`). Unset: only at the default path; 1: at any path; 0: never. */
  readonly generateDefault: boolean;
  /** VERIFY_SNAPSHOT: read every block of a snapshot once before serving it (0: skip). */
  readonly verifySnapshot: boolean;
  /** API_KEYS / API_KEYS_FILE: the keys every /api/..., /analytics... and /metrics request
   *  must present; none: the API is open. */
  readonly accessKeys: readonly AccessKey[];
  readonly limits: Limits;
  /** The debug SQL endpoint's sandbox processes. */
  readonly sandbox: SandboxOptions;
}

/** A setting that cannot be used: main prints the message alone and exits. */
export class ConfigError extends Error {}

/** Protections of a server exposed to clients; each has an environment variable. */
export interface Limits {
  /** CORS_ORIGINS: origins allowed to call from a browser (comma-separated; none: no CORS). */
  readonly corsOrigins: readonly string[];
  /** RATE_LIMIT_PER_MINUTE: requests per access key (where keys are set; else per client
   *  address) and minute (0: no limit). */
  readonly rateLimitPerMinute: number;
  /** QUERY_TIMEOUT_MS: analytics queries are stopped (504) after this long. */
  readonly queryTimeoutMs: number;
  /** SQL_TIMEOUT_MS: the debug SQL endpoint's time limit, counted from a request's arrival. */
  readonly sqlTimeoutMs: number;
  /** SQL_MAX_ANSWER_BYTES: the debug SQL endpoint's largest answer (larger: 413). */
  readonly sqlMaxAnswerBytes: number;
  /** SLOW_QUERY_MS: queries slower than this are logged with their SQL and parameters. */
  readonly slowQueryMs: number;
  /** MAX_EVENT_LOOP_DELAY_MS: above this event-loop lag, requests are shed (503); 0: never. */
  readonly maxEventLoopDelayMs: number;
  /** HEADERS_TIMEOUT_MS: a request's headers must arrive within this (else 408). */
  readonly headersTimeoutMs: number;
  /** REQUEST_TIMEOUT_MS: a whole request, body included, must arrive within this (else 408). */
  readonly requestTimeoutMs: number;
  /** SHUTDOWN_GRACE_MS: on shutdown, connections still open after this are closed. */
  readonly shutdownGraceMs: number;
  /** HSTS=1: send HSTS and CSP upgrade-insecure-requests on every response (the server is
   *  reached over TLS through a proxy); else only on requests that arrive over TLS. */
  readonly hsts: boolean;
}

export const DEFAULT_LIMITS: Limits = {
  corsOrigins: [],
  rateLimitPerMinute: 6000,
  queryTimeoutMs: 10_000,
  sqlTimeoutMs: 10_000,
  sqlMaxAnswerBytes: 64 * 1024 * 1024,
  slowQueryMs: 250,
  maxEventLoopDelayMs: 1000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  shutdownGraceMs: 15_000,
  hsts: false,
};

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

/** pino's levels: anything else would make the logger throw at start, with a stack trace. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function logLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return value;
}

/** A TCP port; 0 asks the system for a free one (tests). */
function port(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`PORT must be a port number from 0 to 65535, got '${value}'`);
  return n;
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0, got '${value}'`);
}

/** The keys of API_KEYS or API_KEYS_FILE (one of them): any fault refuses the start, rather
 *  than serve an API its operator meant to close. */
function accessKeys(list: string | undefined, file: string | undefined, debugToken: string | undefined): AccessKey[] {
  if (list === undefined && file === undefined) return [];
  if (list !== undefined && file !== undefined) throw new ConfigError('set API_KEYS or API_KEYS_FILE, not both');
  let entries: KeyEntry[];
  if (file !== undefined) {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`API_KEYS_FILE: cannot read ${resolve(file)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    entries = entriesOfFile(content, `API_KEYS_FILE ${file}`);
    if (!entries.length) throw new ConfigError(`API_KEYS_FILE: ${resolve(file)} holds no keys (lines of name:secret)`);
  } else {
    entries = entriesOfList(list!);
    if (!entries.length) throw new ConfigError('API_KEYS holds no keys (comma-separated name:secret pairs)');
  }
  let keys: AccessKey[];
  try {
    keys = parseAccessKeys(entries);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  // The debug endpoints read DEBUG_TOKEN from the Authorization header an API key may use too:
  // one string that were both would open them with an API key alone.
  const twin = debugToken === undefined ? undefined : keys.find((k) => k.secret === debugToken);
  if (twin) throw new ConfigError(`DEBUG_TOKEN must differ from every API key; it is the secret of key '${twin.name}'`);
  return keys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenv = true): Config {
  if (dotenv) loadDotenv({ quiet: true });
  // ANALYTICS_DB names the blog's snapshot, as it always did; the other datasets' live
  // beside it unless DATA_DIR says where.
  const dataDir = env['DATA_DIR'] || (env['ANALYTICS_DB'] ? dirname(env['ANALYTICS_DB']) : DEFAULT_DATA_DIR);
  const analyticsDb = env['ANALYTICS_DB'] || join(dataDir, snapshotFile(DEFAULT_DATASET));
  const debugToken = env['DEBUG_TOKEN'] || undefined;
  const generate = flag('GENERATE_DEFAULT', env['GENERATE_DEFAULT']);
  // A configured path that does not exist is a typo or a missing import, not a request for
  // fake data: only the default paths of a new clone get generated data.
  const snapshots = Object.values(DATASETS)
    .sort((a, b) => (a === DEFAULT_DATASET ? -1 : b === DEFAULT_DATASET ? 1 : 0))
    .map((ds) => {
      const path = ds === DEFAULT_DATASET ? analyticsDb : join(dataDir, snapshotFile(ds));
      return { dataset: ds.name, path, generateDefault: generate ?? resolve(path) === resolve(DEFAULT_DATA_DIR, snapshotFile(ds)) };
    });
  const backend = env['BACKEND'] || 'duckdb';
  if (backend !== 'duckdb' && backend !== 'clickhouse') throw new ConfigError(`BACKEND must be duckdb or clickhouse, got '${backend}'`);
  const database = env['CLICKHOUSE_DATABASE'] || 'analytics';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ConfigError(`CLICKHOUSE_DATABASE must be a plain name (letters, digits, _), got '${database}'`);
  const chUrl = env['CLICKHOUSE_URL'] || undefined;
  if (chUrl !== undefined && !/^https?:\/\//.test(chUrl)) throw new ConfigError(`CLICKHOUSE_URL must be an http:// or https:// URL, got '${chUrl}'`);
  return {
    backend,
    clickhouse: { url: chUrl, database, cluster: env['CLICKHOUSE_CLUSTER'] || undefined, chdbPath: join(dataDir, 'chdb') },
    port: port(env['PORT']),
    host: env['HOST'] || '127.0.0.1',
    analyticsDb,
    dataDir,
    snapshots,
    debugToken,
    pgUrl: env['PGURL'] || undefined,
    logLevel: logLevel(env['LOG_LEVEL']),
    workers: int('WORKERS', env['WORKERS'], 0),
    generateDefault: snapshots[0]!.generateDefault,
    verifySnapshot: flag('VERIFY_SNAPSHOT', env['VERIFY_SNAPSHOT']) ?? true,
    accessKeys: accessKeys(env['API_KEYS'] || undefined, env['API_KEYS_FILE'] || undefined, debugToken),
    limits: {
      corsOrigins: (env['CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', env['RATE_LIMIT_PER_MINUTE'], DEFAULT_LIMITS.rateLimitPerMinute),
      queryTimeoutMs: int('QUERY_TIMEOUT_MS', env['QUERY_TIMEOUT_MS'], DEFAULT_LIMITS.queryTimeoutMs),
      sqlTimeoutMs: int('SQL_TIMEOUT_MS', env['SQL_TIMEOUT_MS'], DEFAULT_LIMITS.sqlTimeoutMs),
      sqlMaxAnswerBytes: int('SQL_MAX_ANSWER_BYTES', env['SQL_MAX_ANSWER_BYTES'], DEFAULT_LIMITS.sqlMaxAnswerBytes),
      slowQueryMs: int('SLOW_QUERY_MS', env['SLOW_QUERY_MS'], DEFAULT_LIMITS.slowQueryMs),
      maxEventLoopDelayMs: int('MAX_EVENT_LOOP_DELAY_MS', env['MAX_EVENT_LOOP_DELAY_MS'], DEFAULT_LIMITS.maxEventLoopDelayMs),
      headersTimeoutMs: int('HEADERS_TIMEOUT_MS', env['HEADERS_TIMEOUT_MS'], DEFAULT_LIMITS.headersTimeoutMs),
      requestTimeoutMs: int('REQUEST_TIMEOUT_MS', env['REQUEST_TIMEOUT_MS'], DEFAULT_LIMITS.requestTimeoutMs),
      shutdownGraceMs: int('SHUTDOWN_GRACE_MS', env['SHUTDOWN_GRACE_MS'], DEFAULT_LIMITS.shutdownGraceMs),
      hsts: flag('HSTS', env['HSTS']) ?? DEFAULT_LIMITS.hsts,
    },
    sandbox: {
      processes: Math.max(1, int('SQL_PROCESSES', env['SQL_PROCESSES'], 2)),
      // Node, DuckDB and the libraries take ~170 MiB before a query: less leaves too little.
      memoryMb: Math.max(512, int('SQL_MEMORY_MB', env['SQL_MEMORY_MB'], 1024)),
      queue: int('SQL_QUEUE', env['SQL_QUEUE'], 8),
      ...(env['SQL_SANDBOX_DIR'] ? { dir: env['SQL_SANDBOX_DIR'] } : {}),
    },
  };
}
