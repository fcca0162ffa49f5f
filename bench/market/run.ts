// The marketplace benchmark (SPEC-marketplace section 5): generates (or reuses) N orders,
// imports them, loads the same files into PostgreSQL's Django schema, starts the real server
// on the snapshot, measures every variant (an endpoint not served yet gets a row saying so),
// then the mixed workloads; writes bench/results/bench-marketplace-<N>.{json,md,svg}.
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateMarketplace } from '../../data/marketplace/generate.ts';
import { importSnapshot } from '../../data/import.ts';
import { marketplaceDataset } from '../../engine/datasets/marketplace/declaration.ts';
import type { Reporter } from '../../data/progress-report.ts';
import type { LoadResult } from '../report.ts';
import { assertCompleted } from '../completed.ts';
import { freePort, rss, startServer } from '../server.ts';
import type { BenchServer } from '../server.ts';
import { END } from '../shape-run.ts';
import { runStamp, writeReport } from '../run-stamp.ts';
import { closeMarketAgent, measureMarket } from './measure.ts';
import type { MarketResult, MarketServed } from './measure.ts';
import { dataFacts, marketPgPeer } from './pg-peer.ts';
import { marketMarkdown, marketSvg } from './report.ts';
import type { MarketReport } from './report.ts';
import { marketVariants } from './variants.ts';

export interface MarketRunOptions {
  readonly root: string;
  readonly orders: number;
  readonly quick: boolean;
  /** False with --no-pg. */
  readonly pg: boolean;
  /** Requests timed per variant (--iterations). */
  readonly iterations?: number | undefined;
}

/** Where the run's data, PostgreSQL schema and results live. The snapshot sits beside the
 *  Parquet files as `marketplace.duckdb`, the name the server looks for in DATA_DIR. */
export function marketPaths(o: Pick<MarketRunOptions, 'root' | 'orders' | 'quick'>) {
  const dataDir = join(o.root, 'bench', 'data');
  const resultsDir = join(o.root, 'bench', 'results');
  const parquet = join(dataDir, `marketplace-${o.orders}`);
  const run = `marketplace-${o.orders}${o.quick ? '-quick' : ''}`;
  return {
    dataDir,
    resultsDir,
    parquet,
    snapshot: join(parquet, 'marketplace.duckdb'),
    schema: `bae_bench_market_${o.orders}`,
    stem: join(resultsDir, `bench-${run}`),
    serverLog: join(resultsDir, `server-${run}.log`),
  };
}

/** The mixed workload: every served variant's request in turn, 16 connections. */
async function load(progress: Reporter, quick: boolean, name: string, served: readonly MarketServed[], headers: Record<string, string>, url: string, serverLog: string): Promise<LoadResult> {
  progress.phase(`load: ${name}`, undefined, 'requests');
  const requests = served.map((r) =>
    r.body === undefined ? { method: r.method, path: r.url, headers } : { method: r.method, path: r.url, body: r.body, headers: { ...headers, 'content-type': 'application/json' } },
  );
  const out = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 16, duration: quick ? 2 : 15, requests }, (err: unknown, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', () => progress.tick(1));
  });
  progress.done();
  const errors = out.errors + out.timeouts;
  assertCompleted(name, { completed: out['2xx'], non2xx: out.non2xx, errors }, `the server's log: ${serverLog}`);
  return { name, requestsPerSec: out.requests.average, p50: out.latency.p50, p99: out.latency.p99, non2xx: out.non2xx, errors };
}

export async function runMarket(o: MarketRunOptions, progress: Reporter): Promise<MarketReport> {
  const p = marketPaths(o);
  mkdirSync(p.dataDir, { recursive: true });
  mkdirSync(p.resultsDir, { recursive: true });
  if (!existsSync(join(p.parquet, 'order_item.parquet'))) await generateMarketplace({ orders: o.orders, seed: 42, out: p.parquet, end: END, progress });
  if (!existsSync(p.snapshot)) await importSnapshot({ source: p.parquet, dbPath: p.snapshot, dataset: marketplaceDataset, progress });
  const { ids, rows } = await dataFacts(p.parquet);
  const pgCtx = await marketPgPeer(progress, { use: o.pg, schema: p.schema, parquet: p.parquet, workDir: p.dataDir });
  const logFd = openSync(p.serverLog, 'w');
  const port = await freePort();
  const servers: BenchServer[] = [];
  const serve = async (workers: number) => {
    progress.phase(`starting the server (WORKERS=${workers}; its log: ${p.serverLog})`);
    // The marketplace's snapshot from DATA_DIR; no blog snapshot there, and none generated.
    const env = { DATA_DIR: p.parquet, ANALYTICS_DB: join(p.parquet, 'analytics.duckdb'), GENERATE_DEFAULT: '0' };
    const s = await startServer({ root: o.root, snapshot: env.ANALYTICS_DB, port, workers, logFd, logPath: p.serverLog, env, readyPath: '/api/v1/meta?dataset=marketplace' });
    servers.push(s);
    progress.done();
    return s;
  };
  try {
    const server = await serve(0);
    const ctx = { base: server.base, asOf: END.toISOString(), quick: o.quick, iterations: o.iterations, pg: pgCtx, serverLog: p.serverLog };
    const all = marketVariants(ids);
    const results: MarketResult[] = [];
    progress.phase('measuring (marketplace)', all.length, 'variants');
    for (const v of all) {
      const r = await measureMarket(ctx, v);
      results.push(r);
      progress.note(
        r.served
          ? `${v.name}: http p50 ${r.http.p50.toFixed(2)} ms, engine ${r.engineP50?.toFixed(2) ?? '-'} ms${r.pg ? `, pg ${r.pg.p50.toFixed(1)} ms${r.pgAgrees ? '' : ` (DISAGREES: ${r.pgDifference})`}` : ''}`
          : `${v.name}: not served (no route ${v.method} ${r.url.split('?')[0]})`,
      );
      progress.tick(1);
    }
    progress.done();
    closeMarketAgent();

    const served = results.filter((r): r is MarketServed => r.served);
    const loads: LoadResult[] = [];
    let serverRss = rss(server.child.pid);
    if (served.length) {
      const uncached = { 'cache-control': 'no-cache' };
      loads.push(await load(progress, o.quick, 'mixed, cached', served, {}, server.base, p.serverLog));
      loads.push(await load(progress, o.quick, 'mixed, uncached, WORKERS=0', served, uncached, server.base, p.serverLog));
      serverRss = rss(server.child.pid);
      await server.stop();
      // The same uncached workload served by a pool of two workers (WORKERS' default), its
      // workers started by one round of every request first.
      const pooled = await serve(2);
      await Promise.all(served.map((r) => fetch(`${pooled.base}${r.url}`, { method: r.method, headers: { 'cache-control': 'no-cache', ...(r.body ? { 'content-type': 'application/json' } : {}) }, ...(r.body ? { body: r.body } : {}) }).then((a) => a.arrayBuffer())));
      loads.push(await load(progress, o.quick, 'mixed, uncached, WORKERS=2', served, uncached, pooled.base, p.serverLog));
      await pooled.stop();
      for (const l of loads) progress.note(`${l.name}: ${l.requestsPerSec.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, non-2xx ${l.non2xx}, errors ${l.errors}`);
    }

    const report: MarketReport = {
      dataset: 'marketplace',
      orders: o.orders,
      rows,
      quick: o.quick,
      ...runStamp(o.root),
      serverRssMiB: serverRss,
      variants: results,
      load: loads,
    };
    progress.note(writeReport(p.stem, report, { md: marketMarkdown, svg: marketSvg }));
    return report;
  } finally {
    closeMarketAgent();
    for (const s of servers) await s.stop();
    closeSync(logFd);
    await pgCtx?.client.end();
  }
}
