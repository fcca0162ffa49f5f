// Configuration from the environment (and a .env file), each with a default that works on
// a new machine.
import { config as loadDotenv } from 'dotenv';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly analyticsDb: string;
  readonly debugToken: string | undefined;
  readonly pgUrl: string | undefined;
  readonly logLevel: string;
  readonly workers: number;
}

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
  };
}
