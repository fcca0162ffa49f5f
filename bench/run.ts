// npm run bench -- [--views N] [--quick] [--no-pg] [--readme]; --help for more.
// Generates (or reuses) N views, starts the real server, and measures every variant over
// HTTP with tinybench, beside the engine alone, the bare DuckDB SQL (the floor) and
// PostgreSQL over the old service's schema and indexes; then a mixed workload at
// concurrency 16 (autocannon). Writes bench/results/bench-<N>.{json,md,svg}; the tables go
// to stdout, progress to stderr, the server's log to bench/results/server-<N>.log.
import { execSync } from 'node:child_process';
import { askBlog } from '../engine/index.ts';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { Engine } from '../engine/engine.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { PGURL, loadDjangoSchema, pgReachable } from '../data/pg-load.ts';
import { atLeast, command, parse, run } from '../data/cli.ts';
import type { Reporter } from '../data/progress-report.ts';
import { specFor } from '../server/routes/analytics.ts';
import { markdown, svg, updateReadme } from './report.ts';
import type { LoadResult, Report, VariantResult } from './report.ts';
import { variants } from './variants.ts';
import { closeAgent, measure } from './measure.ts';
import type { MeasureContext } from './measure.ts';
import { freePort, rss, startServer, warm } from './server.ts';
import type { BenchServer } from './server.ts';
import { assertCompleted } from './completed.ts';

const program = command(
  'npm run bench --',
  'Measures every variant over HTTP against the real server, beside the engine alone, the bare SQL and PostgreSQL, then a ' +
    'mixed workload at concurrency 16. Writes bench/results/bench-<N>.{json,md,svg} and prints its tables on stdout; ' +
    "progress goes to stderr, the server's log to bench/results/server-<N>.log.",
  ['npm run bench -- --views 10000000', 'npm run bench -- --views 10000 --quick --no-pg'],
)
  .option('--views <n>', 'views in the data set (an integer of at least 1000), generated once under bench/data/', atLeast(1000), 1_000_000)
  .option('--quick', 'short runs that prove the suite works (CI), not figures to quote')
  .option('--no-pg', 'leave PostgreSQL out (it is left out anyway when PGURL does not answer)')
  .option('--readme', "replace the README's benchmark section with this run's table");
parse(program);
const o = program.opts<{ views: number; quick?: true; pg: boolean; readme?: true }>();

const VIEWS = o.views;
const QUICK = o.quick === true;
const END = new Date('2026-11-01T00:00:00Z');
const root = join(import.meta.dirname, '..');
const dataDir = join(root, 'bench', 'data');
const resultsDir = join(root, 'bench', 'results');
const stem = join(resultsDir, `bench-${VIEWS}${QUICK ? '-quick' : ''}`);
const serverLog = join(resultsDir, `server-${VIEWS}${QUICK ? '-quick' : ''}.log`);

/** Generates and imports the data set where bench/data/ does not hold it yet. */
async function data(progress: Reporter): Promise<{ parquet: string; snapshot: string }> {
  const parquet = join(dataDir, `views-${VIEWS}`);
  const snapshot = join(dataDir, `views-${VIEWS}.duckdb`);
  if (!existsSync(join(parquet, 'blog_view.parquet'))) await generate({ views: VIEWS, seed: 42, out: parquet, end: END, progress });
  if (!existsSync(snapshot)) await importSnapshot({ source: parquet, dbPath: snapshot, progress });
  return { parquet, snapshot };
}

/** PostgreSQL with the old service's schema and indexes, loaded with this very data set
 *  (reused when a fingerprint of its views matches), or undefined without PostgreSQL. */
async function postgres(progress: Reporter, parquet: string, snapshot: string): Promise<MeasureContext['pg']> {
  if (!o.pg || !(await pgReachable())) {
    progress.note(`PostgreSQL not used (${o.pg ? `not reachable at ${PGURL}` : '--no-pg'})`);
    return undefined;
  }
  const schema = `bae_bench_${VIEWS}`;
  progress.phase(`PostgreSQL: comparing schema ${schema} with the data set`);
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    // Reused only if it holds this very data: every table's ids, keys and dimension names
    // (blog titles differ on purpose: five are rewritten for the PostgreSQL load).
    const fingerprint = (t: { view: string; country: string; user: string; blog: string }) => `SELECT
  (SELECT count(*)::bigint || ':' || sum(duration)::bigint || ':' || sum(blog_id)::bigint || ':' || sum(COALESCE(user_id, 0))::bigint || ':' || sum(COALESCE(country_id, 0))::bigint || ':' || max(id)::bigint FROM ${t.view}) AS views,
  (SELECT md5(string_agg(id::text || ':' || COALESCE(code, '') || ':' || name, ',' ORDER BY id)) FROM ${t.country}) AS countries,
  (SELECT md5(string_agg(id::text || ':' || username, ',' ORDER BY id)) FROM ${t.user}) AS users,
  (SELECT count(*)::bigint || ':' || sum(author_id)::bigint || ':' || sum(COALESCE(country_id, 0))::bigint FROM ${t.blog}) AS blogs`;
    const e = await Engine.open(snapshot, { cacheEntries: 0 });
    const ours = await e.db
      .query(fingerprint({ view: 'blog_view', country: 'country', user: '"user"', blog: 'blog' }))
      .then((r) => JSON.stringify(Object.values(r.rows[0]!).map(String)))
      .finally(() => e.close());
    const theirs = await client
      .query(fingerprint({ view: `${schema}.analytics_app_blogview`, country: `${schema}.analytics_app_country`, user: `${schema}.auth_user`, blog: `${schema}.analytics_app_blog` }))
      .then((r) => JSON.stringify(Object.values(r.rows[0] as object).map(String)))
      .catch(() => 'none');
    if (theirs !== ours) {
      await loadDjangoSchema(schema, parquet, dataDir, progress);
      progress.phase('PostgreSQL: ANALYZE');
      await client.query(`ANALYZE`);
    }
    progress.done();
    return { client, schema };
  } catch (e) {
    await client.end();
    throw e;
  }
}

/** The mixed workload: every variant's request in turn, 16 connections. */
async function load(progress: Reporter, name: string, results: readonly VariantResult[], headers: Record<string, string>, url: string): Promise<LoadResult> {
  progress.phase(`load: ${name}`, undefined, 'requests');
  const requests = results.map((r) => ({ method: 'GET' as const, path: r.url, headers }));
  const out = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 16, duration: QUICK ? 2 : 15, requests }, (err: unknown, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', () => progress.tick(1));
  });
  progress.done();
  const errors = out.errors + out.timeouts;
  assertCompleted(name, { completed: out['2xx'], non2xx: out.non2xx, errors }, `the server's log: ${serverLog}`);
  return { name, requestsPerSec: out.requests.average, p50: out.latency.p50, p99: out.latency.p99, non2xx: out.non2xx, errors };
}

async function main(progress: Reporter): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  const { parquet, snapshot } = await data(progress);
  const pgCtx = await postgres(progress, parquet, snapshot);
  const logFd = openSync(serverLog, 'w');
  const port = await freePort();
  const servers: BenchServer[] = [];
  const serve = async (workers: number) => {
    progress.phase(`starting the server (WORKERS=${workers}; its log: ${serverLog})`);
    const s = await startServer({ root, snapshot, port, workers, logFd, logPath: serverLog });
    servers.push(s);
    progress.done();
    return s;
  };
  const engine = await Engine.open(snapshot, { cacheEntries: 0 });
  try {
    const server = await serve(0);
    const topAuthor = await askBlog(engine, specFor('top', { as_of: END.toISOString(), limit: 1 }, engine));
    const topCountry = await engine.db.query(`SELECT c.id, c.code FROM country c JOIN (SELECT country_id, count(*) n FROM fact_view GROUP BY 1) v ON v.country_id = c.id ORDER BY n DESC, c.id LIMIT 1`);
    const ids = {
      author: topAuthor.kind === 'grouped' ? topAuthor.rows[0]!.id : 1,
      country: topCountry.rows[0]!['id'] as number,
      countryCode: topCountry.rows[0]!['code'] as string,
    };
    const ctx: MeasureContext = { base: server.base, engine, asOf: END.toISOString(), quick: QUICK, pg: pgCtx, serverLog };
    const all = variants(ids);
    const results: VariantResult[] = [];
    progress.phase('measuring', all.length, 'variants');
    for (const v of all) {
      const r = await measure(ctx, v);
      results.push(r);
      progress.note(`${v.name}: http p50 ${r.http.p50.toFixed(2)} ms, floor ${r.floor.p50.toFixed(2)} ms${r.pg ? `, pg ${r.pg.p50.toFixed(1)} ms${r.pgAgrees ? '' : ' (DISAGREES)'}` : ''}`);
      progress.tick(1);
    }
    progress.done();
    closeAgent();

    const loads = [await load(progress, 'mixed, cached', results, {}, server.base), await load(progress, 'mixed, uncached, WORKERS=0', results, { 'cache-control': 'no-cache' }, server.base)];
    const serverRss = rss(server.child.pid);
    await server.stop();
    // The same uncached workload served by a pool of two workers, for the WORKERS default.
    const pooled = await serve(2);
    progress.phase('warming the worker pool');
    await warm(pooled.base, results.map((r) => r.url));
    progress.done();
    loads.push(await load(progress, 'mixed, uncached, WORKERS=2', results, { 'cache-control': 'no-cache' }, pooled.base));
    const pooledRss = rss(pooled.child.pid);
    await pooled.stop();
    for (const l of loads) progress.note(`${l.name}: ${l.requestsPerSec.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, non-2xx ${l.non2xx}, errors ${l.errors}`);
    progress.note(`WORKERS=2: RSS ${pooledRss?.current} MiB (peak ${pooledRss?.peak} MiB)`);

    const report: Report = {
      views: VIEWS,
      quick: QUICK,
      commit: commit(),
      date: new Date().toISOString().slice(0, 10),
      machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      serverRssMiB: serverRss,
      variants: results,
      load: loads,
    };
    const table = markdown(report);
    writeFileSync(`${stem}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`${stem}.md`, table);
    writeFileSync(`${stem}.svg`, svg(report));
    if (o.readme) updateReadme(join(root, 'README.md'), table);
    progress.note(`wrote ${stem}.{json,md,svg}`);
    progress.stop();
    process.stdout.write(table);
    const disagreements = results.filter((r) => r.pgAgrees === false).map((r) => r.name);
    if (disagreements.length) throw new Error(`PostgreSQL disagrees on: ${disagreements.join(', ')}`);
  } finally {
    closeAgent();
    for (const s of servers) await s.stop();
    engine.close();
    closeSync(logFd);
    await pgCtx?.client.end();
  }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
}

// Progress and notes on stderr, so that stdout carries the tables alone.
await run(main, { lines: (line) => process.stderr.write(`${line}\n`), describe: (m) => `bench failed: ${m}` });
