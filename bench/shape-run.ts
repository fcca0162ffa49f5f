// The whole benchmark over one data shape: generates (or reuses) its data set, starts the
// real server, measures every variant (ids picked from this data set), then the mixed
// workloads; writes bench/results/bench-<tag>.{json,md,svg} and returns the report.
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Engine } from '../engine/engine.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import type { Shape } from '../data/dimensions.ts';
import type { Reporter } from '../data/progress-report.ts';
import { markdown, svg } from './report.ts';
import type { LoadResult, Report, VariantResult } from './report.ts';
import { variants } from './variants.ts';
import { closeAgent, measure } from './measure.ts';
import type { MeasureContext } from './measure.ts';
import { freePort, rss, startServer, warm } from './server.ts';
import type { BenchServer } from './server.ts';
import { assertCompleted } from './completed.ts';
import { pgPeer } from './pg-peer.ts';
import { runStamp, writeReport } from './run-stamp.ts';
import { busiestIds } from './bench-ids.ts';

export const END = new Date('2026-11-01T00:00:00Z');

export interface ShapeRunOptions {
  readonly root: string;
  readonly views: number;
  readonly shape: Shape;
  readonly quick: boolean;
  /** False with --no-pg. */
  readonly pg: boolean;
}

/** Where one shape's data, PostgreSQL schema and results live. The skewed shape keeps the
 *  names it had before there were shapes (views-<N>, bae_bench_<N>, bench-<N>); the others
 *  add their name (views-uniform-<N>, bae_bench_uniform_<N>, bench-uniform-<N>). */
export function shapePaths(o: Pick<ShapeRunOptions, 'root' | 'views' | 'shape' | 'quick'>) {
  const tag = o.shape === 'skewed' ? `${o.views}` : `${o.shape}-${o.views}`;
  const dataDir = join(o.root, 'bench', 'data');
  const resultsDir = join(o.root, 'bench', 'results');
  const run = `${tag}${o.quick ? '-quick' : ''}`;
  return {
    dataDir,
    resultsDir,
    parquet: join(dataDir, `views-${tag}`),
    snapshot: join(dataDir, `views-${tag}.duckdb`),
    schema: `bae_bench_${tag.replaceAll('-', '_')}`,
    stem: join(resultsDir, `bench-${run}`),
    serverLog: join(resultsDir, `server-${run}.log`),
  };
}

/** The mixed workload: every variant's request in turn, 16 connections. */
async function load(progress: Reporter, quick: boolean, name: string, results: readonly VariantResult[], headers: Record<string, string>, url: string, serverLog: string): Promise<LoadResult> {
  progress.phase(`load: ${name}`, undefined, 'requests');
  const requests = results.map((r) => ({ method: 'GET' as const, path: r.url, headers }));
  const out = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 16, duration: quick ? 2 : 15, requests }, (err: unknown, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', () => progress.tick(1));
  });
  progress.done();
  const errors = out.errors + out.timeouts;
  assertCompleted(name, { completed: out['2xx'], non2xx: out.non2xx, errors }, `the server's log: ${serverLog}`);
  return { name, requestsPerSec: out.requests.average, p50: out.latency.p50, p99: out.latency.p99, non2xx: out.non2xx, errors };
}

export async function runShape(o: ShapeRunOptions, progress: Reporter): Promise<Report> {
  const { root, views, shape, quick } = o;
  const p = shapePaths(o);
  if (!existsSync(join(p.parquet, 'blog_view.parquet'))) await generate({ views, seed: 42, out: p.parquet, end: END, shape, progress });
  if (!existsSync(p.snapshot)) await importSnapshot({ source: p.parquet, dbPath: p.snapshot, progress });
  const pgCtx = await pgPeer(progress, { use: o.pg, schema: p.schema, parquet: p.parquet, snapshot: p.snapshot, workDir: p.dataDir });
  const serverLog = p.serverLog;
  const logFd = openSync(serverLog, 'w');
  const port = await freePort();
  const servers: BenchServer[] = [];
  const serve = async (workers: number) => {
    progress.phase(`starting the server (WORKERS=${workers}; its log: ${serverLog})`);
    const s = await startServer({ root, snapshot: p.snapshot, port, workers, logFd, logPath: serverLog });
    servers.push(s);
    progress.done();
    return s;
  };
  const engine = await Engine.open(p.snapshot, { cacheEntries: 0 });
  try {
    const server = await serve(0);
    const ids = await busiestIds(engine, END.toISOString());
    const ctx: MeasureContext = { base: server.base, engine, asOf: END.toISOString(), quick, pg: pgCtx, serverLog };
    const all = variants(ids);
    const results: VariantResult[] = [];
    progress.phase(`measuring (${shape} shape)`, all.length, 'variants');
    for (const v of all) {
      const r = await measure(ctx, v);
      results.push(r);
      progress.note(`${v.name}: http p50 ${r.http.p50.toFixed(2)} ms, floor ${r.floor.p50.toFixed(2)} ms${r.pg ? `, pg ${r.pg.p50.toFixed(1)} ms${r.pgAgrees ? '' : ' (DISAGREES)'}` : ''}`);
      progress.tick(1);
    }
    progress.done();
    closeAgent();

    const uncached = { 'cache-control': 'no-cache' };
    const loads = [
      await load(progress, quick, 'mixed, cached', results, {}, server.base, serverLog),
      await load(progress, quick, 'mixed, uncached, WORKERS=0', results, uncached, server.base, serverLog),
    ];
    const serverRss = rss(server.child.pid);
    await server.stop();
    // The same uncached workload served by a pool of two workers, for the WORKERS default.
    const pooled = await serve(2);
    progress.phase('warming the worker pool');
    await warm(pooled.base, results.map((r) => r.url));
    progress.done();
    loads.push(await load(progress, quick, 'mixed, uncached, WORKERS=2', results, uncached, pooled.base, serverLog));
    const pooledRss = rss(pooled.child.pid);
    await pooled.stop();
    for (const l of loads) progress.note(`${l.name}: ${l.requestsPerSec.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, non-2xx ${l.non2xx}, errors ${l.errors}`);
    progress.note(`WORKERS=2: RSS ${pooledRss?.current} MiB (peak ${pooledRss?.peak} MiB)`);

    const report: Report = {
      views,
      shape,
      quick,
      ...runStamp(root),
      serverRssMiB: serverRss,
      variants: results,
      load: loads,
    };
    progress.note(writeReport(p.stem, report, { md: markdown, svg }));
    return report;
  } finally {
    closeAgent();
    for (const s of servers) await s.stop();
    engine.close();
    closeSync(logFd);
    await pgCtx?.client.end();
  }
}

