// One variant measured four ways with tinybench (over HTTP uncached and cached, the engine
// alone, the bare SQL) and, where PostgreSQL is there, its answer checked and timed.
import { Agent, get as httpGet } from 'node:http';
import { askBlog, compileBlog } from '../engine/index.ts';
import type pg from 'pg';
import { Bench } from 'tinybench';
import type { Engine } from '../engine/engine.ts';
import { specFor } from '../server/routes/analytics.ts';
import type { Stats, VariantResult } from './report.ts';
import type { Variant } from './variants.ts';
import { agrees } from './compare.ts';
import { assertCompleted } from './completed.ts';

export interface MeasureContext {
  readonly base: string;
  readonly engine: Engine;
  readonly asOf: string;
  readonly quick: boolean;
  /** PostgreSQL with the old service's schema, where it is used. */
  readonly pg?: { readonly client: pg.Client; readonly schema: string } | undefined;
  /** Named when nothing was measured: where the server's log is. */
  readonly serverLog: string;
}

// One kept-alive socket, as a client library would hold: node:http rather than fetch, whose
// stream machinery added ~1 ms per request on the client side and blurred the server's own.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export const closeAgent = (): void => agent.destroy();

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

// A failing request stops the run with its message (throws), not a task quietly left out.
const bench = (quick: boolean, iterations: number, time: number, warmup = true) =>
  new Bench({ iterations, time, warmup, warmupIterations: quick ? 1 : 3, warmupTime: 0, throws: true });

export async function measure(ctx: MeasureContext, v: Variant): Promise<VariantResult> {
  const { engine, quick } = ctx;
  const members = { as_of: ctx.asOf, ...v.members };
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries(members)) q.set(k, typeof val === 'object' ? JSON.stringify(val) : String(val));
  const url = `/api/v1/analytics/${v.endpoint}?${q}`;
  const spec = specFor(v.endpoint, members, engine);
  const { sql, params } = compileBlog(engine, spec);
  const window = spec.window;
  const pgParams = [window.start === null ? '-infinity' : `${window.start}+00`, `${window.end}+00`];
  const overheads: number[] = [];
  const get = async (headers: Record<string, string>, record = false) => {
    const { status, body, ms, engineMs } = await request(`${ctx.base}${url}`, headers);
    if (status !== 200) throw new Error(`${url}: ${status} ${body.toString().slice(0, 200)}`);
    if (record && engineMs !== null) overheads.push(ms - engineMs);
    return body;
  };
  const ours = JSON.parse(Buffer.from(await get({})).toString()) as { data: Record<string, unknown>[] };

  const b = bench(quick, quick ? 5 : 30, quick ? 100 : 1500);
  b.add('http', () => get({ 'cache-control': 'no-cache' }, true).then(() => undefined));
  b.add('cached', () => get({}).then(() => undefined));
  b.add('engine', () => askBlog(engine, spec, { noCache: true }).then(() => undefined));
  b.add('floor', () => engine.db.query(sql, params).then(() => undefined));
  await b.run();

  let pgStats: Stats | null = null;
  let pgAgrees: boolean | null = null;
  if (ctx.pg) {
    const c = ctx.pg.client;
    const text = v.pg(ctx.pg.schema);
    const answer = await c.query(text, pgParams);
    pgAgrees = agrees(v.endpoint, ours.data, answer.rows);
    // PostgreSQL takes seconds per grouping at 10M views: a few runs, the check above as warm-up.
    const pb = bench(quick, 3, 0, false);
    pb.add('pg', () => c.query(text, pgParams).then(() => undefined));
    await pb.run();
    pgStats = stats(pb, 'pg');
  }
  overheads.sort((x, y) => x - y);
  const httpOverheadP50 = overheads.length ? overheads[Math.floor(overheads.length / 2)]! : null;
  const r: VariantResult = { name: v.name, url, http: stats(b, 'http'), httpCached: stats(b, 'cached'), engine: stats(b, 'engine'), floor: stats(b, 'floor'), httpOverheadP50, pg: pgStats, pgAgrees };
  assertCompleted(`${v.name}, over HTTP`, { completed: r.http.samples }, `the server's log: ${ctx.serverLog}`);
  assertCompleted(`${v.name}, over HTTP, cached`, { completed: r.httpCached.samples }, `the server's log: ${ctx.serverLog}`);
  return r;
}
