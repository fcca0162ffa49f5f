// npm run bench:hostile -- [--views N] [--seconds S]
// The server under abuse: S seconds (default 20) of mixed uncached analytics requests at
// concurrency 64, while hostile debug-SQL calls run beside them (runaway functions, huge
// values, huge results, memory bombs) and a prober asks /health one request at a time.
// Reports /health latency (p50, p99, max), answers by status, and the peak memory of the
// server process and of its ad-hoc SQL processes against their bound. Loopback only, bounded
// in time and count. Writes bench/results/hostile-<N>.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';

const { values } = parseArgs({ options: { views: { type: 'string', default: '200000' }, seconds: { type: 'string', default: '20' } } });
const VIEWS = Number(values.views);
const SECONDS = Number(values.seconds);
if (!Number.isSafeInteger(VIEWS) || VIEWS < 1000 || !Number.isSafeInteger(SECONDS) || SECONDS < 1 || SECONDS > 600) {
  console.error('usage: npm run bench:hostile -- [--views N >= 1000] [--seconds 1..600]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const END = new Date('2026-11-01T00:00:00Z');
const parquet = join(dataDir, `views-${VIEWS}`);
const snapshot = join(dataDir, `views-${VIEWS}.duckdb`);
if (!existsSync(join(parquet, 'blog_view.parquet'))) await generate({ views: VIEWS, seed: 42, out: parquet, end: END });
if (!existsSync(snapshot)) await importSnapshot({ source: parquet, dbPath: snapshot });

const TOKEN = 'hostile-bench-token-0123456789';
const SQL_MEMORY_MB = 1024;
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  cwd: root,
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ANALYTICS_DB: snapshot, DEBUG_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'info', SQL_MEMORY_MB: String(SQL_MEMORY_MB), API_KEYS: '', API_KEYS_FILE: '' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);
let out = '';
const base = await new Promise<string>((resolve, reject) => {
  const seen = (d: Buffer) => {
    out += d.toString();
    const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(out) ?? /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
    if (m) resolve(m[1]!);
  };
  server.stdout.on('data', seen);
  server.stderr.on('data', seen);
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out.slice(-2000)}`)));
});
// The server's log is drained, kept out of the tables.
server.stdout.removeAllListeners('data');
server.stderr.removeAllListeners('data');
server.stdout.resume();
server.stderr.resume();

/** Resident memory (MiB) of a process, from /proc. */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(d));
    } catch { /* gone */ }
  }
  return kids;
}

function call(path: string, body?: unknown): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${base}${path}`, {
      method: data ? 'POST' : 'GET',
      headers: data ? { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'content-length': Buffer.byteLength(data) } : {},
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      res.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(data);
  });
}

const HOSTILE = [
  { sql: 'select length(repeat($$x$$, 2000000000))', timeout_ms: 1000 },
  { sql: "select repeat('x', 530000000)" },
  { sql: 'select * from fact_view cross join range(1000)', max_rows: 1 },
  { sql: 'select * from fact_view cross join range(1000)', max_rows: 100000 },
  { sql: 'select list(id) from blog' },
  { sql: 'select count(*) from range(10000000000)', timeout_ms: 2000 },
];
const PATHS = [
  '/api/v1/analytics/blog-views?range=all', '/api/v1/analytics/blog-views?object_type=user&range=year&offset=100',
  '/analytics/top/?top=blog', '/api/v1/analytics/top?top=country&range=month', '/api/v1/analytics/performance?compare=week',
  '/api/v1/analytics/performance?compare=day&tz=Europe/Berlin&range=month', '/api/v1/analytics/top?top=user&range=year',
];

const deadline = Date.now() + SECONDS * 1000;
const health: number[] = [];
const healthFailed: number[] = [];
const hostile = new Map<number, number>();
let serverPeak = 0;
let sandboxPeak = 0;
const sampler = setInterval(() => {
  serverPeak = Math.max(serverPeak, rssMiB(server.pid!));
  for (const k of childrenOf(server.pid!)) sandboxPeak = Math.max(sandboxPeak, rssMiB(k));
}, 50);
const serverBefore = rssMiB(server.pid!);

// The prober has a thread of its own: autocannon's 64 connections keep this thread's event
// loop busy, which would show as /health latency that the server never caused.
const prober = new Promise<{ ok: number[]; failed: number[] }>((resolve, reject) => {
  const w = new Worker(
    `const { request } = require('node:http');
     const { workerData, parentPort } = require('node:worker_threads');
     const ok = [], failed = [];
     const once = () => new Promise((res) => {
       const t0 = performance.now();
       const req = request(workerData.base + '/health', (r) => { r.resume(); r.on('end', () => res([r.statusCode, performance.now() - t0])); });
       req.on('error', () => res([0, performance.now() - t0]));
       req.end();
     });
     (async () => {
       while (Date.now() < workerData.deadline) {
         const [status, ms] = await once();
         (status === 200 ? ok : failed).push(ms);
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage({ ok, failed });
     })();`,
    { eval: true, workerData: { base, deadline } },
  );
  w.once('message', resolve);
  w.once('error', reject);
});
const abusers = Array.from({ length: 4 }, async (_, i) => {
  for (let k = i; Date.now() < deadline; k++) {
    const r = await call('/api/v1/debug/sql', HOSTILE[k % HOSTILE.length]);
    hostile.set(r.status, (hostile.get(r.status) ?? 0) + 1);
  }
});
// Uncached: every request asks for its own as_of (a distinct question) and says no-cache.
let n = 0;
const load = await autocannon({
  url: base,
  connections: 64,
  duration: SECONDS,
  timeout: 60,
  requests: PATHS.map((p) => ({
    method: 'GET' as const,
    headers: { 'cache-control': 'no-cache' },
    setupRequest: (req: { path?: string }) => ({ ...req, path: `${p}&as_of=${new Date(END.getTime() - (n++ % 100_000) * 1000).toISOString()}` }),
  })),
});
const probes = await prober;
health.push(...probes.ok);
healthFailed.push(...probes.failed);
await Promise.all(abusers);
clearInterval(sampler);
const serverAfter = rssMiB(server.pid!);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const f = (x: number) => x.toFixed(1);
const md = `### Under abuse: ${VIEWS.toLocaleString('en-US')} views, ${SECONDS} s, concurrency 64 + 4 hostile SQL callers

| measure | value |
|---|---|
| analytics requests (uncached) | ${load.requests.total} (${load['2xx']} 2xx, ${load['4xx']} 4xx, ${load['5xx']} 5xx, ${load.errors} errors, ${load.timeouts} timeouts), p50 ${f(load.latency.p50)} ms, p99 ${f(load.latency.p99)} ms |
| /health probes | ${health.length} answered 200, ${healthFailed.length} not; p50 ${f(q(health, 50))} ms, p99 ${f(q(health, 99))} ms, max ${f(Math.max(...health))} ms |
| hostile debug-SQL calls by status | ${[...hostile].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}: ${c}`).join(', ')} |
| server process RSS | ${f(serverBefore)} MiB before, ${f(serverPeak)} MiB peak, ${f(serverAfter)} MiB after |
| ad-hoc SQL process RSS | ${f(sandboxPeak)} MiB peak (bound ${SQL_MEMORY_MB} MiB each) |
`;
console.log(md);
writeFileSync(join(resultsDir, `hostile-${VIEWS}.md`), md);
stop();
const failed = health.length === 0 || load['5xx'] > 0 || load.errors > 0;
process.exit(failed ? 1 : 0);
