// npm start: serve every dataset's snapshot (the blog's at ANALYTICS_DB, the others' in
// DATA_DIR) on HOST:PORT, building a generated default first where there is none at a
// default path, and shut down gracefully on SIGTERM/SIGINT. A dataset with no snapshot
// answers 503 while the others serve.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClickHouse, Engine, STREAM_ENDPOINTS, datasetNamed, verifySnapshot } from '../engine/index.ts';
import type { SnapshotMeta } from '../engine/index.ts';
import { EngineHolder } from './engine-holder.ts';
import { streamsWarmUp, warmRoutes } from './warm-up.ts';
import { buildApp } from './app.ts';
import { ConfigError, clickhouseDatabase, loadConfig } from './config.ts';
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
/** BACKEND=clickhouse: every dataset answered from its ClickHouse database (README,
 *  "ClickHouse"); there are no snapshot files to check, pin or generate. */
const ch = config.backend === 'clickhouse' ? config.clickhouse : undefined;
const pkg = packageInfo();
const metrics = createMetrics();

/** A dataset served: its snapshot file, the engine holder that serves it, and the identity
 *  of the file it last opened (a reload reopens only a file that changed). */
interface Served {
  readonly dataset: string;
  readonly file: string;
  readonly generateDefault: boolean;
  readonly holder: EngineHolder;
  opened?: string;
}

const served: Served[] = config.snapshots.map((s, i) => {
  const file = resolve(s.path);
  // A path that is there but cannot be a snapshot (a folder, another kind of file, no read
  // permission) is a set-up mistake: refused now, before anything starts.
  const unreadable = existsSync(file) ? unreadableSnapshot(file) : undefined;
  if (unreadable) exitWith(`cannot serve the snapshot at ${file} (${i === 0 ? 'ANALYTICS_DB' : 'DATA_DIR'}): ${unreadable}`);
  const open = ch
    ? async (_path: string, options: Parameters<typeof Engine.openClickHouse>[1]) => {
        const db = await ClickHouse.connect({ url: ch.url, database: clickhouseDatabase(ch, s.dataset), cluster: ch.cluster, chdbPath: ch.chdbPath });
        return Engine.openClickHouse(db, options).catch(async (e: unknown) => {
          await db.close();
          throw e;
        });
      }
    : undefined;
  const holder = new EngineHolder(s.path, {
    dataset: datasetNamed(s.dataset),
    workers: config.workers,
    // With the debug endpoint on, its processes start with each snapshot, not at first use;
    // it reads the blog's snapshot.
    sandbox: { ...config.sandbox, prestart: i === 0 && config.debugToken !== undefined },
    onQuery: (q) => {
      metrics.query(q);
      if (!q.cached && q.ms > config.limits.slowQueryMs) app.log.warn({ kind: q.kind, ms: Math.round(q.ms), sql: q.sql, params: q.params }, 'slow query');
    },
  }, open, streamsWarmUp(s.dataset, STREAM_ENDPOINTS, (e) => app.log.warn({ err: e, dataset: s.dataset }, `warm-up of the ${s.dataset} snapshot failed (its first request will be slower): ${(e as Error).message}`)));
  return { dataset: s.dataset, file, generateDefault: s.generateDefault, holder };
});
const blog = served[0]!;
const file = blog.file;

/** Which file a path names now: an import renames a new file into place. */
function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Opens the snapshot now at a dataset's path, after reading it once whole (VERIFY_SNAPSHOT):
 *  a damaged file is refused, with its name, before any request meets the damage. */
async function load(s: Served): Promise<SnapshotMeta> {
  if (ch) return s.holder.reload();
  if (!existsSync(s.file)) throw new Error(`no snapshot at ${s.file}`);
  const id = identity(s.file);
  if (config.verifySnapshot) await verifySnapshot(s.file);
  const meta = await s.holder.reload();
  s.opened = id;
  return meta;
}

/** Reloads the blog's snapshot (always, as before) and every other dataset's whose file
 *  changed; the others' failures are logged and leave them as they were. Answers with the
 *  blog's meta. */
async function reloadAll(tell: (dataset: string, meta: SnapshotMeta) => void = () => {}): Promise<SnapshotMeta> {
  const others = served.slice(1).map(async (s) => {
    if (!ch && (!existsSync(s.file) || identity(s.file) === s.opened)) return;
    try {
      tell(s.dataset, await load(s));
    } catch (e) {
      app.log.error({ err: e, snapshot: s.file }, `reload of the ${s.dataset} snapshot ${s.file} failed (${(e as Error).message}); still serving the previous one, if any`);
    }
  });
  const [mine] = await Promise.allSettled([load(blog), ...others]);
  if (mine!.status === 'rejected') throw mine!.reason;
  return mine!.value as SnapshotMeta;
}

const app = await buildApp({
  engine: () => blog.holder.current(),
  engines: (name) => served.find((s) => s.dataset === name)?.holder.current(),
  logger: logOptions(config.logLevel),
  debugToken: config.debugToken,
  reload: () => reloadAll(),
  limits: config.limits,
  metrics,
  accessKeys: config.accessKeys,
});
if (config.accessKeys.length) app.log.info({ keys: config.accessKeys.map((k) => k.name) }, 'access keys required on /api, /analytics and /metrics');

for (const s of served) {
  const what = s === blog ? '' : ` of the ${s.dataset} dataset`;
  if (ch) {
    const where = `ClickHouse database ${clickhouseDatabase(ch, s.dataset)}${ch.url ? '' : ' (chdb in this process)'}`;
    try {
      const meta = await load(s);
      app.log.info({ dataset: s.dataset, rows: meta.rows, loadedAt: meta.loadedAt }, `serving the ${s.dataset} dataset from the ${where}`);
    } catch (e) {
      app.log.error({ err: e }, `cannot serve the ${s.dataset} dataset from the ${where}: ${(e as Error).message}; ${s === blog ? '/ready answers' : 'its endpoints answer'} 503 (import with npm run import -- SOURCE --dataset ${s.dataset} --to clickhouse)`);
    }
    continue;
  }
  if (!existsSync(s.file)) {
    if (s.generateDefault) {
      app.log.info(`no snapshot${what} at ${s.file}: generating a default data set of synthetic ${s === blog ? 'views' : 'data'} first`);
      try {
        // Loaded only when needed: the generator brings faker, which a normal start never uses.
        const { buildDefaultSnapshot } = await import('../data/default-snapshot.ts');
        const meta = await buildDefaultSnapshot(s.file, (line) => app.log.info(line), { dataset: s.dataset as 'blog' | 'marketplace' | 'members' });
        app.log.info({ rows: meta.rows, ms: meta.loadMs }, `default snapshot${what} built: the data are synthetic (GET /api/v1/meta says so)`);
      } catch (e) {
        app.log.error({ err: e, snapshot: s.file }, `could not build the default snapshot${what} at ${s.file}; ${s === blog ? '/ready answers' : 'its endpoints answer'} 503`);
      }
    } else if (s === blog) {
      // A configured path that does not exist is a typo or a missing import: fake data there
      // would be served as if real. Listen anyway, not ready, until the file is there.
      app.log.error(
        `no snapshot at ${file} (ANALYTICS_DB): /ready answers 503 until it exists; import one (npm run import -- SOURCE --db ${file}) ` +
          'and reload (SIGHUP or POST /api/v1/admin/reload), or set GENERATE_DEFAULT=1 for generated data',
      );
    } else {
      app.log.warn(
        `no snapshot${what} at ${s.file}: its endpoints answer 503 until one is imported (npm run import -- SOURCE --dataset ${s.dataset} --db ${s.file}) ` +
          'and the server reloads (SIGHUP or POST /api/v1/admin/reload)',
      );
    }
  }
  if (existsSync(s.file)) {
    try {
      const meta = await load(s);
      const { fields, msg } = snapshotSummary(s.file, meta);
      app.log.info({ ...fields, dataset: s.dataset }, msg);
    } catch (e) {
      app.log.error({ err: e, snapshot: s.file }, `cannot serve the snapshot at ${s.file}: ${(e as Error).message}; ${s === blog ? '/ready answers' : 'its endpoints answer'} 503`);
    }
  }
}

await warmRoutes(app, STREAM_ENDPOINTS, (name) => served.some((s) => s.dataset === name && s.holder.current() !== undefined), (e) => app.log.warn({ err: e }, `warm-up request failed: ${(e as Error).message}`));

try {
  await app.listen({ port: config.port, host: config.host });
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EADDRINUSE' ? 'the address is in use (another server, or an earlier one still running?)' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  // Workers and sandbox processes end with the process; the engine's files close first.
  await Promise.all(served.map((s) => s.holder.close().catch(() => {})));
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
  await Promise.all(served.map((s) => s.holder.close()));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// SIGHUP: switch to the snapshots now at the configured paths (after `npm run import`): the
// blog's, and every other dataset's whose file changed.
process.on('SIGHUP', () => {
  reloadAll((dataset, m) => {
    const { fields, msg } = snapshotSummary(served.find((s) => s.dataset === dataset)!.file, m);
    app.log.info({ ...fields, dataset }, `SIGHUP: ${dataset} snapshot reloaded: ${msg}`);
  }).then(
    (m) => {
      const { fields, msg } = snapshotSummary(file, m);
      app.log.info(fields, `SIGHUP: snapshot reloaded: ${msg}`);
    },
    (e: unknown) => app.log.error({ err: e, snapshot: file }, `SIGHUP: reload of ${file} failed (${(e as Error).message}); still serving the previous snapshot, if any`),
  );
});
