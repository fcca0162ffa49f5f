// One marketplace variant measured over HTTP with tinybench (uncached and cached), the
// engine's share from the server's `Server-Timing` header, and, where PostgreSQL is there,
// its answer checked and timed. An endpoint the server has no route for is "not served": a
// row saying so, not a failed run (endpoints land one by one).
import { Agent, request as httpRequest } from 'node:http';
import type pg from 'pg';
import { Bench } from 'tinybench';
import type { Stats } from '../report.ts';
import { assertCompleted } from '../completed.ts';
import { marketDifference } from './compare.ts';
import type { MarketVariant } from './variants.ts';

export interface MarketMeasureContext {
  readonly base: string;
  readonly asOf: string;
  readonly quick: boolean;
  /** Requests timed per variant (default 30; 5 quick). */
  readonly iterations?: number | undefined;
  readonly pg?: { readonly client: pg.Client; readonly schema: string } | undefined;
  readonly serverLog: string;
  /** Where the variants' paths are (the marketplace's by default; the members' too). */
  readonly prefix?: string;
  /** PostgreSQL's parameters after the window's two ($3...). */
  readonly pgExtra?: readonly unknown[];
}

export interface MarketServed {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** Path and query. */
  readonly url: string;
  /** The JSON body of a POST. */
  readonly body?: string;
  readonly served: true;
  readonly http: Stats;
  readonly httpCached: Stats;
  /** Median of the server's own engine time over the uncached requests (Server-Timing). */
  readonly engineP50: number | null;
  /** Median over the uncached requests of (latency - engine time): the HTTP layer's share. */
  readonly httpOverheadP50: number | null;
  readonly pg: Stats | null;
  /** Whether PostgreSQL gave the same answer; null without it. */
  readonly pgAgrees: boolean | null;
  /** Where it did not: the first difference. */
  readonly pgDifference?: string;
}

export interface MarketNotServed {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly served: false;
}

export type MarketResult = MarketServed | MarketNotServed;

export interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly ms: number;
  readonly engineMs: number | null;
}

// One kept-alive socket, as a client library would hold (bench/measure.ts says why).
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export const closeMarketAgent = (): void => agent.destroy();

function send(url: string, method: 'GET' | 'POST', body: string | undefined, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const h = body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(url, { agent, method, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const dur = /engine;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0, engineMs: dur === undefined ? null : Number(dur) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether an answer is the router's own 404 (no such route), as opposed to an endpoint's
 *  404 for an unknown id, which is a failure of the run. */
export function isNoRoute(a: Pick<Answer, 'status' | 'body'>): boolean {
  if (a.status !== 404) return false;
  try {
    const e = JSON.parse(a.body.toString()) as { code?: unknown; error?: unknown };
    return e.code === 'not_found' && typeof e.error === 'string' && e.error.startsWith('no route ');
  } catch {
    return false;
  }
}

/** The request a variant sends: GET members in the query string, POST members as JSON. */
export function marketRequest(v: MarketVariant, asOf: string, prefix = '/api/v1/marketplace/'): { url: string; body?: string } {
  const members = { as_of: asOf, ...v.members };
  const path = `${prefix}${v.path}`;
  if (v.method === 'POST') return { url: path, body: JSON.stringify(members) };
  const q = new URLSearchParams();
  for (const [k, val] of Object.entries(members)) q.set(k, typeof val === 'object' ? JSON.stringify(val) : String(val));
  return { url: `${path}?${q}` };
}

function stats(b: Bench, name: string): Stats {
  const r = b.getTask(name)?.result as { latency?: { min: number; mean: number; p50: number; p99: number; max: number; samplesCount?: number }; throughput?: { mean: number } } | undefined;
  if (!r?.latency || !r.throughput) throw new Error(`task ${name} has no result`);
  const l = r.latency;
  return { min: l.min, avg: l.mean, p50: l.p50, p99: l.p99, max: l.max, ops: r.throughput.mean, samples: l.samplesCount ?? 0 };
}

/** A PostgreSQL question that takes longer than this is timed once (its check). */
export const PG_ONE_RUN_MS = 20_000;

const median = (xs: number[]) => (xs.length ? xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);
const bench = (quick: boolean, iterations: number, time: number, warmup = true) =>
  new Bench({ iterations, time, warmup, warmupIterations: quick ? 1 : 3, warmupTime: 0, throws: true });

export async function measureMarket(ctx: MarketMeasureContext, v: MarketVariant): Promise<MarketResult> {
  const { url, body } = marketRequest(v, ctx.asOf, ctx.prefix);
  const first = await send(`${ctx.base}${url}`, v.method, body, {});
  if (isNoRoute(first)) return { name: v.name, method: v.method, url, served: false };
  const engineTimes: number[] = [];
  const overheads: number[] = [];
  const ask = async (headers: Record<string, string>, record = false) => {
    const a = await send(`${ctx.base}${url}`, v.method, body, headers);
    if (a.status !== 200) throw new Error(`${v.method} ${url}: ${a.status} ${a.body.toString().slice(0, 300)}`);
    if (record && a.engineMs !== null) {
      engineTimes.push(a.engineMs);
      overheads.push(a.ms - a.engineMs);
    }
    return a;
  };
  if (first.status !== 200) throw new Error(`${v.method} ${url}: ${first.status} ${first.body.toString().slice(0, 300)}`);
  const ours = JSON.parse(first.body.toString()) as Record<string, unknown>;

  const b = bench(ctx.quick, ctx.iterations ?? (ctx.quick ? 5 : 30), ctx.quick || ctx.iterations !== undefined ? 100 : 1500);
  b.add('http', () => ask({ 'cache-control': 'no-cache' }, true).then(() => undefined));
  b.add('cached', () => ask({}).then(() => undefined));
  await b.run();

  let pgStats: Stats | null = null;
  let pgAgrees: boolean | null = null;
  let pgDifference: string | undefined;
  if (ctx.pg) {
    const c = ctx.pg.client;
    const text = v.pg(ctx.pg.schema);
    // An answer about one thing (a member) has no window: everything up to as_of.
    const w = (ours['window'] as { start: string | null; end: string } | undefined) ?? { start: null, end: ctx.asOf };
    const params = [w.start ?? '-infinity', w.end, ...(ctx.pgExtra ?? [])];
    const t0 = performance.now();
    const answer = await c.query({ text, values: params, rowMode: 'array' });
    const checkMs = performance.now() - t0;
    pgDifference = marketDifference(v.cells(ours), answer.rows as unknown[][]) ?? undefined;
    pgAgrees = pgDifference === undefined;
    if (checkMs > PG_ONE_RUN_MS) {
      // Minutes per question at ten million rows: the check is the one timed run (the
      // /fetch/ measurement's rule), or the run would take hours.
      pgStats = { min: checkMs, avg: checkMs, p50: checkMs, p99: checkMs, max: checkMs, ops: 1000 / checkMs, samples: 1 };
    } else {
      // Seconds per question at millions of orders: a few runs, the check above as warm-up.
      const pb = bench(ctx.quick, 3, 0, false);
      pb.add('pg', () => c.query({ text, values: params, rowMode: 'array' }).then(() => undefined));
      await pb.run();
      pgStats = stats(pb, 'pg');
    }
  }
  const r: MarketServed = {
    name: v.name, method: v.method, url, ...(body === undefined ? {} : { body }), served: true,
    http: stats(b, 'http'), httpCached: stats(b, 'cached'), engineP50: median(engineTimes), httpOverheadP50: median(overheads),
    pg: pgStats, pgAgrees, ...(pgDifference === undefined ? {} : { pgDifference }),
  };
  assertCompleted(`${v.name}, over HTTP`, { completed: r.http.samples }, `the server's log: ${ctx.serverLog}`);
  assertCompleted(`${v.name}, over HTTP, cached`, { completed: r.httpCached.samples }, `the server's log: ${ctx.serverLog}`);
  return r;
}
