// npm start: serve the snapshot at ANALYTICS_DB on HOST:PORT, building a generated
// default first where there is none, and shut down gracefully on SIGTERM/SIGINT.
import { existsSync } from 'node:fs';
import { Engine } from '../engine/engine.ts';
import { buildDefaultSnapshot } from '../data/default-snapshot.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
let engine: Engine | undefined;
const app = await buildApp({ engine: () => engine, logger: { level: config.logLevel } });

if (!existsSync(config.analyticsDb)) {
  app.log.info(`no snapshot at ${config.analyticsDb}: generating a default data set first`);
  const meta = await buildDefaultSnapshot(config.analyticsDb, (line) => app.log.info(line));
  app.log.info({ rows: meta.rows, ms: meta.loadMs }, 'default snapshot built');
}
engine = await Engine.open(config.analyticsDb);
app.log.info({ rows: engine.meta.rows, snapshot: config.analyticsDb }, 'snapshot open');

await app.listen({ port: config.port, host: config.host });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info(`${signal}: draining requests and closing`);
  // close() stops accepting connections and waits for in-flight requests to finish.
  await app.close();
  engine?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
