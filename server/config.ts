// Configuration from the environment (and a .env file), each with a default that works on
// a new machine.
import { config as loadDotenv } from 'dotenv';
import type { SandboxOptions } from '../engine/sandbox/sandbox.ts';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly analyticsDb: string;
  readonly debugToken: string | undefined;
  readonly pgUrl: string | undefined;
  readonly logLevel: string;
  readonly workers: number;
  readonly limits: Limits;
  /** The debug SQL endpoint's sandbox processes. */
  readonly sandbox: SandboxOptions;
}

/** Protections of a server exposed to clients; each has an environment variable. */
export interface Limits {
  /** CORS_ORIGINS: origins allowed to call from a browser (comma-separated; none: no CORS). */
  readonly corsOrigins: readonly string[];
  /** RATE_LIMIT_PER_MINUTE: requests per client address and minute (0: no limit). */
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
}

export const DEFAULT_LIMITS: Limits = {
  corsOrigins: [],
  rateLimitPerMinute: 6000,
  queryTimeoutMs: 10_000,
  sqlTimeoutMs: 10_000,
  sqlMaxAnswerBytes: 64 * 1024 * 1024,
  slowQueryMs: 250,
  maxEventLoopDelayMs: 1000,
};

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenv = true): Config {
  if (dotenv) loadDotenv({ quiet: true });
  return {
    port: int('PORT', env['PORT'], 3000),
    host: env['HOST'] || '127.0.0.1',
    analyticsDb: env['ANALYTICS_DB'] || 'data/analytics.duckdb',
    debugToken: env['DEBUG_TOKEN'] || undefined,
    pgUrl: env['PGURL'] || undefined,
    logLevel: env['LOG_LEVEL'] || 'info',
    workers: int('WORKERS', env['WORKERS'], 0),
    limits: {
      corsOrigins: (env['CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', env['RATE_LIMIT_PER_MINUTE'], DEFAULT_LIMITS.rateLimitPerMinute),
      queryTimeoutMs: int('QUERY_TIMEOUT_MS', env['QUERY_TIMEOUT_MS'], DEFAULT_LIMITS.queryTimeoutMs),
      sqlTimeoutMs: int('SQL_TIMEOUT_MS', env['SQL_TIMEOUT_MS'], DEFAULT_LIMITS.sqlTimeoutMs),
      sqlMaxAnswerBytes: int('SQL_MAX_ANSWER_BYTES', env['SQL_MAX_ANSWER_BYTES'], DEFAULT_LIMITS.sqlMaxAnswerBytes),
      slowQueryMs: int('SLOW_QUERY_MS', env['SLOW_QUERY_MS'], DEFAULT_LIMITS.slowQueryMs),
      maxEventLoopDelayMs: int('MAX_EVENT_LOOP_DELAY_MS', env['MAX_EVENT_LOOP_DELAY_MS'], DEFAULT_LIMITS.maxEventLoopDelayMs),
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
