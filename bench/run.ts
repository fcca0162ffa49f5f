// npm run bench -- [--views N] [--quick] [--no-pg] [--readme]
// Generates (or reuses) N views, starts the real server, and measures every variant over
// HTTP with tinybench, beside the engine alone, the bare DuckDB SQL (the floor) and
// PostgreSQL over the old service's schema and indexes; then a mixed workload at
// concurrency 16 (autocannon). Writes bench/results/bench-<N>.{json,md,svg}.
import { spawn } from 'node:child_process';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { Bench } from 'tinybench';
import { Engine } from '../engine/engine.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { PGURL, loadDjangoSchema, pgReachable } from '../data/pg-load.ts';
import { specFor } from '../server/routes/analytics.ts';
import { markdown, svg, updateReadme } from './report.ts';
import type { LoadResult, Report, Stats, VariantResult } from './report.ts';
import { variants } from './variants.ts';
import type { Variant } from './variants.ts';
import { agrees } from './compare.ts';

const { values } = parseArgs({
  options: {
    views: { type: 'string', default: '1000000' },
    quick: { type: 'boolean', default: false },
    'no-pg': { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
  },
});
const VIEWS = Number(values.views);
if (!Number.isSafeInteger(VIEWS) || VIEWS < 1000) throw new Error('--views must be an integer >= 1000');
const QUICK = values.quick;
const END = new Date('2026-11-01T00:00:00Z');
const AS_OF = END.toISOString();
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
const resultsDir = join(root, 'bench', 'results');
mkdirSync(dataDir, { recursive: true });
mkdirSync(resultsDir, { recursive: true });
const log = (s: string) => console.log(`[bench] ${s}`);

// ---- data ----------------------------------------------------------------------------
const parquet = join(dataDir, `views-${VIEWS}`);
const snapshot = join(dataDir, `views-${VIEWS}.duckdb`);
if (!existsSync(join(parquet, 'blog_view.parquet'))) {
  log(`generating ${VIEWS} views`);
  await generate({ views: VIEWS, seed: 42, out: parquet, end: END });
}
if (!existsSync(snapshot)) {
  log('importing');
  await importSnapshot({ source: parquet, dbPath: snapshot });
}

// ---- PostgreSQL, the old service's schema and indexes ------------------------------------
let client: pg.Client | undefined;
const schema = `bae_bench_${VIEWS}`;
if (!values['no-pg'] && (await pgReachable())) {
  client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  // Reuse a loaded schema only if it holds this very data (a fingerprint of the views).
  const fingerprint = `SELECT count(*)::bigint AS n, sum(duration)::bigint AS d, sum(blog_id)::bigint AS b, max(id)::bigint AS m`;
  const ours = await (async () => {
    const e = await Engine.open(snapshot, { cacheEntries: 0 });
    try {
      return JSON.stringify(Object.values((await e.db.query(`${fingerprint} FROM blog_view`)).rows[0]!).map(Number));
    } finally {
      e.close();
    }
  })();
  const theirs = await client
    .query(`${fingerprint} FROM ${schema}.analytics_app_blogview`)
    .then((r) => JSON.stringify(Object.values(r.rows[0] as object).map(Number)))
    .catch(() => 'none');
  if (theirs !== ours) {
    log(`loading ${VIEWS} views into PostgreSQL schema ${schema} (Django tables and indexes)`);
    await loadDjangoSchema(schema, parquet, dataDir);
    await client.query(`ANALYZE`);
  }
} else log(`PostgreSQL not used (${values['no-pg'] ? '--no-pg' : `not reachable at ${PGURL}`})`);

// ---- the real server -------------------------------------------------------------------
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
async function startServer(workers: number): Promise<{ base: string; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
    env: { ...process.env, ANALYTICS_DB: snapshot, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKERS: String(workers), RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base: url, child };
}
const started = await startServer(0);
const server = started.child;
const base = started.base;
log(`server ready at ${base}`);

// ---- measurements ----------------------------------------------------------------------
const engine = await Engine.open(snapshot, { cacheEntries: 0 });
const topAuthor = await engine.run(specFor('top', { as_of: AS_OF, limit: 1 }, engine));
const topCountry = await engine.db.query(`SELECT c.id, c.code FROM country c JOIN (SELECT country_id, count(*) n FROM fact_view GROUP BY 1) v ON v.country_id = c.id ORDER BY n DESC, c.id LIMIT 1`);
const ids = {
  author: topAuthor.kind === 'grouped' ? topAuthor.rows[0]!.id : 1,
  country: topCountry.rows[0]!['id'] as number,
  countryCode: topCountry.rows[0]!['code'] as string,
};

// One kept-alive socket, as a client library would hold: node:http rather than fetch, whose
// stream machinery added ~1 ms per request on the client side and blurred the server's own.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function request(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; ms: number; engineMs: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    httpGet(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const dur = /engine;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0, engineMs: dur === undefined ? null : Number(dur) });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

function stats(b: Bench, name: string): Stats {
  const t = b.getTask(name);
  const r = t?.result as { latency?: { min: number; mean: number; p50: number; p99: number; max: number; samplesCount?: number }; throughput?: { mean: number } } | undefined;
  if (!r?.latency || !r.throughput) throw new Error(`task ${name} has no result: ${JSON.stringify(t?.result)?.slice(0, 300)}`);
  const l = r.latency;
  return { min: l.min, avg: l.mean, p50: l.p50, p99: l.p99, max: l.max, ops: r.throughput.mean, samples: l.samplesCount ?? 0 };
}

const bench = (iterations: number, time: number, warmup = true) =>
  new Bench({ iterations, time, warmup, warmupIterations: QUICK ? 1 : 3, warmupTime: 0 });

async function measure(v: Variant): Promise<VariantResult> {
  const members = { as_of: AS_OF, ...v.members };
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries(members)) q.set(k, typeof val === 'object' ? JSON.stringify(val) : String(val));
  const url = `/api/v1/analytics/${v.endpoint}?${q}`;
  const spec = specFor(v.endpoint, members, engine);
  const { sql, params } = engine.compile(spec);
  const window = spec.window;
  const pgParams = [window.start === null ? '-infinity' : `${window.start}+00`, `${window.end}+00`];
  const overheads: number[] = [];
  const get = async (headers: Record<string, string>, record = false) => {
    const { status, body, ms, engineMs } = await request(`${base}${url}`, headers);
    if (status !== 200) throw new Error(`${url}: ${status} ${body.toString().slice(0, 200)}`);
    if (record && engineMs !== null) overheads.push(ms - engineMs);
    return body;
  };
  const ours = JSON.parse(Buffer.from(await get({})).toString()) as { data: Record<string, unknown>[] };

  const b = bench(QUICK ? 5 : 30, QUICK ? 100 : 1500);
  b.add('http', () => get({ 'cache-control': 'no-cache' }, true).then(() => undefined));
  b.add('cached', () => get({}).then(() => undefined));
  b.add('engine', () => engine.run(spec, { noCache: true }).then(() => undefined));
  b.add('floor', () => engine.db.query(sql, params).then(() => undefined));
  await b.run();

  let pgStats: Stats | null = null;
  let pgAgrees: boolean | null = null;
  if (client) {
    const c = client;
    const text = v.pg(schema);
    const answer = await c.query(text, pgParams);
    pgAgrees = agrees(v.endpoint, ours.data, answer.rows);
    // PostgreSQL takes seconds per grouping at 10M views: a few runs, the check above as warm-up.
    const pb = bench(3, 0, false);
    pb.add('pg', () => c.query(text, pgParams).then(() => undefined));
    await pb.run();
    pgStats = stats(pb, 'pg');
  }
  overheads.sort((x, y) => x - y);
  const httpOverheadP50 = overheads.length ? overheads[Math.floor(overheads.length / 2)]! : null;
  const r: VariantResult = { name: v.name, url, http: stats(b, 'http'), httpCached: stats(b, 'cached'), engine: stats(b, 'engine'), floor: stats(b, 'floor'), httpOverheadP50, pg: pgStats, pgAgrees };
  log(`${v.name}: http p50 ${r.http.p50.toFixed(2)} ms, floor ${r.floor.p50.toFixed(2)} ms${r.pg ? `, pg ${r.pg.p50.toFixed(1)} ms${pgAgrees ? '' : ' (DISAGREES)'}` : ''}`);
  return r;
}

const results: VariantResult[] = [];
for (const v of variants(ids)) results.push(await measure(v));
agent.destroy();

async function load(name: string, headers: Record<string, string>, url = base): Promise<LoadResult> {
  const requests = results.map((r) => ({ method: 'GET' as const, path: r.url, headers }));
  const out = await autocannon({ url, connections: 16, duration: QUICK ? 2 : 15, requests });
  return { name, requestsPerSec: out.requests.average, p50: out.latency.p50, p99: out.latency.p99, non2xx: out.non2xx, errors: out.errors + out.timeouts };
}
const loadResults = [await load('mixed, cached', {}), await load('mixed, uncached, WORKERS=0', { 'cache-control': 'no-cache' })];
for (const l of loadResults) log(`${l.name}: ${l.requestsPerSec.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, non-2xx ${l.non2xx}, errors ${l.errors}`);

function rss(pid: number | undefined): { current: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { current: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}
const serverRss = rss(server.pid);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
// The same uncached workload served by a pool of two workers, for the WORKERS default.
const pooled = await startServer(2);
loadResults.push(await load('mixed, uncached, WORKERS=2', { 'cache-control': 'no-cache' }, pooled.base));
const pooledRss = rss(pooled.child.pid);
pooled.child.kill('SIGTERM');
log(`WORKERS=2: RSS ${pooledRss?.current} MiB (peak ${pooledRss?.peak} MiB)`);
engine.close();
await client?.end();

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
})();
const report: Report = {
  views: VIEWS,
  quick: QUICK,
  commit,
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  serverRssMiB: serverRss,
  variants: results,
  load: loadResults,
};
const stem = join(resultsDir, `bench-${VIEWS}${QUICK ? '-quick' : ''}`);
writeFileSync(`${stem}.json`, JSON.stringify(report, null, 2));
const table = markdown(report);
writeFileSync(`${stem}.md`, table);
writeFileSync(`${stem}.svg`, svg(report));
if (values.readme) updateReadme(join(root, 'README.md'), table);
console.log(table);
const disagreements = results.filter((r) => r.pgAgrees === false).map((r) => r.name);
if (disagreements.length) {
  console.error(`[bench] PostgreSQL disagrees on: ${disagreements.join(', ')}`);
  process.exit(1);
}
log(`wrote ${stem}.{json,md,svg}`);
