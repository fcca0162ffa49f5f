// npm start: serve the snapshot at ANALYTICS_DB on HOST:PORT, building a generated default
// first where there is none at the default path, and shut down gracefully on SIGTERM/SIGINT.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifySnapshot } from '../engine/index.ts';
import type { SnapshotMeta } from '../engine/index.ts';
import { EngineHolder } from './engine-holder.ts';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { Config } from './config.ts';
import { exitWith } from './fatal.ts';
import { createMetrics } from './metrics.ts';
import { packageInfo } from './package-info.ts';
import { unreadableSnapshot } from './snapshot-file.ts';
import { logOptions, origin, readySummary, snapshotSummary } from './startup-log.ts';

/** The configuration, or the process ends with the setting's problem in one line: a stack
 *  trace would only bury it. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    exitWith(`configuration error: ${e.message}`, e);
  }
}

const config = configOrExit();
const file = resolve(config.analyticsDb);
// A path that is there but cannot be a snapshot (a folder, another kind of file, no read
// permission) is a set-up mistake: refused now, before anything starts.
const unreadable = existsSync(file) ? unreadableSnapshot(file) : undefined;
if (unreadable) exitWith(`cannot serve the snapshot at ${file} (ANALYTICS_DB): ${unreadable}`);
const pkg = packageInfo();
const metrics = createMetrics();
const holder = new EngineHolder(config.analyticsDb, {
  workers: config.workers,
  // With the debug endpoint on, its processes start with each snapshot, not at first use.
  sandbox: { ...config.sandbox, prestart: config.debugToken !== undefined },
  onQuery: (q) => {
    metrics.query(q);
    if (!q.cached && q.ms > config.limits.slowQueryMs) app.log.warn({ kind: q.kind, ms: Math.round(q.ms), sql: q.sql, params: q.params }, 'slow query');
  },
});

/** Opens the snapshot now at the path, after reading it once whole (VERIFY_SNAPSHOT): a
 *  damaged file is refused, with its name, before any request meets the damage. */
async function load(): Promise<SnapshotMeta> {
  if (!existsSync(file)) throw new Error(`no snapshot at ${file}`);
  if (config.verifySnapshot) await verifySnapshot(file);
  return holder.reload();
}

const app = await buildApp({
  engine: () => holder.current(),
  logger: logOptions(config.logLevel),
  debugToken: config.debugToken,
  reload: load,
  limits: config.limits,
  metrics,
  accessKeys: config.accessKeys,
});
if (config.accessKeys.length) app.log.info({ keys: config.accessKeys.map((k) => k.name) }, 'access keys required on /api, /analytics and /metrics');

if (!existsSync(file)) {
  if (config.generateDefault) {
    app.log.info(`no snapshot at ${file}: generating a default data set of synthetic views first`);
    try {
      // Loaded only when needed: the generator brings faker, which a normal start never uses.
      const { buildDefaultSnapshot } = await import('../data/default-snapshot.ts');
      const meta = await buildDefaultSnapshot(file, (line) => app.log.info(line));
      app.log.info({ rows: meta.rows, ms: meta.loadMs }, 'default snapshot built: the data are synthetic (GET /api/v1/meta says so)');
    } catch (e) {
      app.log.error({ err: e, snapshot: file }, `could not build the default snapshot at ${file}; /ready answers 503`);
    }
  } else {
    // A configured path that does not exist is a typo or a missing import: fake data there
    // would be served as if real. Listen anyway, not ready, until the file is there.
    app.log.error(
      `no snapshot at ${file} (ANALYTICS_DB): /ready answers 503 until it exists; import one (npm run import -- SOURCE --db ${file}) ` +
        'and reload (SIGHUP or POST /api/v1/admin/reload), or set GENERATE_DEFAULT=1 for generated data',
    );
  }
}
if (existsSync(file)) {
  try {
    const meta = await load();
    const { fields, msg } = snapshotSummary(file, meta);
    app.log.info(fields, msg);
  } catch (e) {
    app.log.error({ err: e, snapshot: file }, `cannot serve the snapshot at ${file}: ${(e as Error).message}; /ready answers 503`);
  }
}

try {
  await app.listen({ port: config.port, host: config.host });
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'the address is in use (another server, or an earlier one still running?)' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  // Workers and sandbox processes end with the process; the engine's files close first.
  await holder.close().catch(() => {});
  exitWith(`cannot listen on ${config.host}:${config.port} (HOST, PORT): ${why}`, e);
}
{
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // process.pid is the process to signal: under `npm start`, npm is a parent that does not
  // pass SIGHUP on (README, "Signals").
  const { fields, msg } = readySummary(pkg.name, pkg.version, origin(config.host, port), process.pid);
  app.log.info(fields, msg);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info(`${signal}: draining requests and closing`);
  // close() stops accepting connections, waits for in-flight requests to finish and closes
  // connections still open after SHUTDOWN_GRACE_MS.
  await app.close();
  await holder.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// SIGHUP: switch to the snapshot now at ANALYTICS_DB (after `npm run import`).
process.on('SIGHUP', () => {
  load().then(
    (m) => {
      const { fields, msg } = snapshotSummary(file, m);
      app.log.info(fields, `SIGHUP: snapshot reloaded: ${msg}`);
    },
    (e: unknown) => app.log.error({ err: e, snapshot: file }, `SIGHUP: reload of ${file} failed (${(e as Error).message}); still serving the previous snapshot, if any`),
  );
});
