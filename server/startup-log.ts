// What the server says as it starts: readable lines on a terminal (pino-pretty), JSON lines
// for a log collector otherwise; and the summaries a person looks for there: the version,
// where to point a browser, the pid to signal, and the snapshot served (its size and age).
import type { FastifyServerOptions } from 'fastify';
import type { SnapshotMeta } from '../engine/index.ts';

/** pino's options: pretty-printed (in a worker thread of pino's) when stdout is a terminal. */
export function logOptions(level: string, tty = process.stdout.isTTY === true): NonNullable<FastifyServerOptions['logger']> {
  if (!tty) return { level };
  return { level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' } } };
}

/** "45 s", "12 min", "3 h", "5 days": how long ago `iso` was, at `now`. */
export function age(iso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return 'of unknown age';
  if (s < 120) return `${s} s ago`;
  if (s < 120 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** The log line (fields and message) of a snapshot now served. */
export function snapshotSummary(file: string, meta: SnapshotMeta, now: number = Date.now()): { fields: Record<string, unknown>; msg: string } {
  const counts = Object.entries(meta.rows)
    .map(([table, n]) => `${n.toLocaleString('en')} ${table}`)
    .join(', ');
  const synthetic = meta.synthetic === true ? ' (synthetic data)' : '';
  return {
    fields: { snapshot: file, rows: meta.rows, loadedAt: meta.loadedAt, synthetic: meta.synthetic === true },
    msg: `snapshot ${file}: ${counts}; imported ${age(meta.loadedAt, now)} (${meta.loadedAt})${synthetic}`,
  };
}

/** The address a person can open, for the bound host and port: a wildcard host is reached
 *  through localhost; an IPv6 address goes in brackets. */
export function origin(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** The line that says the server is up: who, where, and the pid a reload signal goes to. */
export function readySummary(name: string, version: string, url: string, pid: number): { fields: Record<string, unknown>; msg: string } {
  return {
    // pino puts `pid` on every line already.
    fields: { version, url: `${url}/`, docs: `${url}/docs` },
    msg: `${name} ${version} serving ${url}/ (API docs: ${url}/docs), pid ${pid}: reload the snapshot with kill -HUP ${pid}`,
  };
}
