// What /fetch/ costs the server's memory (SPEC-members: "serving 1M members with 3M periods
// raises the server's memory by less than 100 MB"): the real server on a members snapshot,
// the whole answer read RUNS times by a client as fast as loopback allows, the server's
// resident memory sampled from /proc while it streams (its JavaScript heap from /metrics at
// the peak). Usage: npx tsx bench/members-fetch-memory.ts DATA_DIR [RUNS]
// (DATA_DIR holds members.duckdb, as `npm run import -- --dataset members` writes it).
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { freePort, startServer } from './server.ts';

const [dataDir, runsText = '2'] = process.argv.slice(2);
const runs = Number(runsText);
if (!dataDir || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npx tsx bench/members-fetch-memory.ts DATA_DIR [RUNS]');
  process.exit(2);
}

const MiB = 2 ** 20;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const logPath = join('/tmp', `members-fetch-memory-${process.pid}.log`);
const server = await startServer({
  root,
  snapshot: join(dataDir, 'analytics.duckdb'),
  port: await freePort(),
  workers: 0,
  logFd: openSync(logPath, 'w'),
  logPath,
  env: { DATA_DIR: dataDir, GENERATE_DEFAULT: '0' },
  readyPath: '/fetch/?limit=1',
});
const pid = server.child.pid!;
const rssMiB = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
async function heapMiB(): Promise<string> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  const v = (k: string) => (Number(new RegExp(`^${k} (\\S+)`, 'm').exec(text)?.[1]) / MiB).toFixed(0);
  return `heap used ${v('nodejs_heap_size_used_bytes')} of ${v('nodejs_heap_size_total_bytes')} MiB`;
}

try {
  // Warm: the snapshot open, a page read, the metrics registered.
  await (await fetch(`${server.base}/fetch/?limit=100`)).arrayBuffer();
  const before = rssMiB();
  console.log(`server RSS before: ${before.toFixed(0)} MiB`);
  for (let run = 1; run <= runs; run++) {
    const t0 = performance.now();
    const res = await fetch(`${server.base}/fetch/`, { headers: { 'cache-control': 'no-cache' } });
    const reader = res.body!.getReader();
    let first = 0;
    let bytes = 0;
    let chunks = 0;
    let peak = rssMiB();
    let atPeak = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!first) first = performance.now() - t0;
      bytes += value.length;
      if (++chunks % 50 === 0 && rssMiB() > peak) {
        peak = rssMiB();
        atPeak = await heapMiB();
      }
    }
    const total = performance.now() - t0;
    console.log(
      `run ${run}: ${(bytes / MiB).toFixed(1)} MiB, first byte ${first.toFixed(0)} ms, whole ${(total / 1000).toFixed(1)} s; ` +
        `RSS peak ${peak.toFixed(0)} MiB (+${(peak - before).toFixed(0)}; ${atPeak || 'heap not sampled'}), after ${rssMiB().toFixed(0)} MiB (+${(rssMiB() - before).toFixed(0)})`,
    );
  }
} finally {
  await server.stop();
}
