// npm start: serve the snapshot at ANALYTICS_DB on HOST:PORT, building a generated
// default first where there is none, and shut down gracefully on SIGTERM/SIGINT.
import { existsSync } from 'node:fs';
import { buildDefaultSnapshot } from '../data/default-snapshot.ts';
import { EngineHolder } from './engine-holder.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createMetrics } from './metrics.ts';

const config = loadConfig();
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
const app = await buildApp({
  engine: () => holder.current(),
  logger: { level: config.logLevel },
  debugToken: config.debugToken,
  reload: () => holder.reload(),
  limits: config.limits,
  metrics,
});

if (!existsSync(config.analyticsDb)) {
  app.log.info(`no snapshot at ${config.analyticsDb}: generating a default data set first`);
  const meta = await buildDefaultSnapshot(config.analyticsDb, (line) => app.log.info(line));
  app.log.info({ rows: meta.rows, ms: meta.loadMs }, 'default snapshot built');
}
const meta = await holder.reload();
app.log.info({ rows: meta.rows, snapshot: config.analyticsDb }, 'snapshot open');

await app.listen({ port: config.port, host: config.host });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info(`${signal}: draining requests and closing`);
  // close() stops accepting connections and waits for in-flight requests to finish.
  await app.close();
  await holder.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// SIGHUP: switch to the snapshot now at ANALYTICS_DB (after `npm run import`).
process.on('SIGHUP', () => {
  holder.reload().then(
    (m) => app.log.info({ rows: m.rows, loadedAt: m.loadedAt }, 'SIGHUP: snapshot reloaded'),
    (e: unknown) => app.log.error({ err: e }, 'SIGHUP: reload failed; still serving the previous snapshot'),
  );
});
