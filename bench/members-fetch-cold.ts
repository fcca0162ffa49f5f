// /fetch/'s first byte on freshly started servers, measured as the members benchmark does
// (its measureFetch: one request for every member, whose first byte waits for the first
// page; one run each, the whole answer taking more than 20 s at 1M members), N servers one
// after the other, each stopped before the next starts.
//   npx tsx bench/members-fetch-cold.ts bench/data/members-1000000-p11 [N]
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startServer } from './server.ts';
import { measureFetch } from './members/fetch.ts';

const [dir, n] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npx tsx bench/members-fetch-cold.ts DATA_DIR [N]  (DATA_DIR holds members.duckdb)');
  process.exit(2);
}
const log = '/tmp/members-fetch-cold.log';
for (let i = 0; i < Number(n ?? 3); i++) {
  const logFd = openSync(log, 'w');
  const env = { DATA_DIR: dir, ANALYTICS_DB: join(dir, 'analytics.duckdb'), GENERATE_DEFAULT: '0' };
  const server = await startServer({ root: process.cwd(), snapshot: env.ANALYTICS_DB, port: await freePort(), workers: 0, logFd, logPath: log, env, readyPath: '/api/v1/meta?dataset=members' });
  try {
    const r = await measureFetch({ base: server.base, pid: server.child.pid, members: 0, runs: 1 });
    console.log(`first byte ${r.firstByteP50.toFixed(1)} ms, whole ${r.totalP50.toFixed(0)} ms, server RSS before / after / peak ${r.rssBeforeMiB} / ${r.rssAfterMiB} / ${r.rssPeakMiB} MiB`);
  } finally {
    await server.stop();
    closeSync(logFd);
  }
}
