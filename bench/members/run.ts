// The members benchmark (SPEC-members; SPEC section 8): generates (or reuses) N members with P
// periods each, imports them, loads the same files into PostgreSQL's Django tables, starts
// the real server on the snapshot, measures /fetch/ (first byte, whole answer, memory), then
// every other variant with the marketplace's measuring function; writes
// bench/results/bench-members-<N>[-p<P>][-quick].{json,md}.
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PERIODS, PERIOD_SPAN, generateMembers } from '../../data/members/generate.ts';
import { importSnapshot } from '../../data/import.ts';
import { membersDataset } from '../../engine/datasets/members/declaration.ts';
import type { Reporter } from '../../data/progress-report.ts';
import { freePort, rss, startServer } from '../server.ts';
import { END } from '../shape-run.ts';
import { runStamp, writeReport } from '../run-stamp.ts';
import { closeMarketAgent, marketRequest, measureMarket } from '../market/measure.ts';
import type { MarketMeasureContext } from '../market/measure.ts';
import { marketDifference } from '../market/compare.ts';
import { measureFetch } from './fetch.ts';
import { membersFacts, membersPgPeer, zonesDisagreeing } from './pg-peer.ts';
import { membersMarkdown } from './report.ts';
import type { MembersReport, MembersResult } from './report.ts';
import { MEMBERS_PREFIX, membersVariants, withoutZones } from './variants.ts';
import type { MembersVariant } from './variants.ts';

export interface MembersRunOptions {
  readonly root: string;
  readonly members: number;
  readonly periods: number;
  readonly quick: boolean;
  /** False with --no-pg. */
  readonly pg: boolean;
}

/** Where the run's data, PostgreSQL schema and results live; the snapshot sits beside the
 *  Parquet files as `members.duckdb`, the name the server looks for in DATA_DIR. */
export function membersPaths(o: Pick<MembersRunOptions, 'root' | 'members' | 'periods' | 'quick'>) {
  const dataDir = join(o.root, 'bench', 'data');
  const resultsDir = join(o.root, 'bench', 'results');
  const size = `${o.members}${o.periods === DEFAULT_PERIODS ? '' : `-p${o.periods}`}`;
  const parquet = join(dataDir, `members-${size}`);
  const run = `members-${size}${o.quick ? '-quick' : ''}`;
  return {
    dataDir,
    resultsDir,
    parquet,
    snapshot: join(parquet, 'members.duckdb'),
    schema: `bae_bench_members_${size.replace('-', '_')}`,
    stem: join(resultsDir, `bench-${run}`),
    serverLog: join(resultsDir, `server-${run}.log`),
  };
}

/** A zoned variant PostgreSQL disagrees with, asked again on both sides without the members
 *  of the zones the two tell apart: the zones where that agrees, else nothing. */
async function agreesWithout(ctx: MarketMeasureContext & { pg: NonNullable<MarketMeasureContext['pg']> }, v: MembersVariant, zones: readonly string[]): Promise<readonly string[] | undefined> {
  if (!zones.length || !v.zoned) return undefined;
  const w = withoutZones(v, zones);
  const { url, body } = marketRequest(w, ctx.asOf, ctx.prefix);
  const res = await fetch(`${ctx.base}${url}`, { method: w.method, headers: { 'cache-control': 'no-cache', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body } : {}) });
  if (!res.ok) throw new Error(`${w.method} ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  const ours = (await res.json()) as Record<string, unknown>;
  const win = (ours['window'] as { start: string | null; end: string } | undefined) ?? { start: null, end: ctx.asOf };
  const theirs = await ctx.pg.client.query({ text: w.pg(ctx.pg.schema), values: [win.start ?? '-infinity', win.end, zones], rowMode: 'array' });
  return marketDifference(w.cells(ours), theirs.rows as unknown[][]) === null ? zones : undefined;
}

export async function runMembers(o: MembersRunOptions, progress: Reporter): Promise<MembersReport> {
  const p = membersPaths(o);
  mkdirSync(p.dataDir, { recursive: true });
  mkdirSync(p.resultsDir, { recursive: true });
  if (!existsSync(join(p.parquet, 'activity_period.parquet'))) await generateMembers({ members: o.members, periods: o.periods, seed: 42, out: p.parquet, end: END, progress });
  if (!existsSync(p.snapshot)) await importSnapshot({ source: p.parquet, dbPath: p.snapshot, dataset: membersDataset, progress });
  const { member, rows } = await membersFacts(p.parquet);
  const pgCtx = await membersPgPeer(progress, { use: o.pg, schema: p.schema, parquet: p.parquet, workDir: p.dataDir });
  // Asked once, at the first zoned answer PostgreSQL disagrees with (~10 s).
  let zones: string[] | undefined;
  const zonesApart = async (): Promise<string[]> => {
    if (zones || !pgCtx) return zones ?? [];
    progress.note("comparing DuckDB's and PostgreSQL's zone data over the data's span");
    zones = await zonesDisagreeing(p.parquet, pgCtx.client, new Date(END.getTime() - PERIOD_SPAN * 1000), END);
    if (zones.length) progress.note(`zones whose local times DuckDB and PostgreSQL write differently: ${zones.join(', ')}`);
    return zones;
  };
  const logFd = openSync(p.serverLog, 'w');
  progress.phase(`starting the server (its log: ${p.serverLog})`);
  // The members' snapshot from DATA_DIR; no blog snapshot there, and none generated.
  const env = { DATA_DIR: p.parquet, ANALYTICS_DB: join(p.parquet, 'analytics.duckdb'), GENERATE_DEFAULT: '0' };
  const server = await startServer({ root: o.root, snapshot: env.ANALYTICS_DB, port: await freePort(), workers: 0, logFd, logPath: p.serverLog, env, readyPath: '/api/v1/meta?dataset=members' });
  progress.done();
  try {
    progress.phase('measuring /fetch/');
    const fetchResult = await measureFetch({ base: server.base, pid: server.child.pid, members: rows['member'] ?? 0, runs: o.quick ? 1 : 3, pg: pgCtx });
    progress.done();
    progress.note(`/fetch/: first byte ${fetchResult.firstByteP50.toFixed(1)} ms, whole ${fetchResult.totalP50.toFixed(0)} ms${fetchResult.pg ? `, pg ${fetchResult.pg.firstByteP50.toFixed(1)} / ${fetchResult.pg.totalP50.toFixed(0)} ms${fetchResult.pgAgrees ? '' : ' (DISAGREES)'}` : ''}`);
    const ctx = { base: server.base, asOf: END.toISOString(), quick: o.quick, pg: pgCtx, serverLog: p.serverLog, prefix: MEMBERS_PREFIX, pgExtra: [[]] };
    const all = membersVariants(member);
    const results: MembersResult[] = [];
    progress.phase('measuring (members)', all.length, 'variants');
    for (const v of all) {
      const r = await measureMarket(ctx, v);
      const without = r.served && r.pgAgrees === false && pgCtx && v.zoned ? await agreesWithout({ ...ctx, pg: pgCtx }, v, await zonesApart()) : undefined;
      results.push(without ? { ...r, agreesWithout: without } : r);
      progress.note(
        r.served
          ? `${v.name}: http p50 ${r.http.p50.toFixed(2)} ms, engine ${r.engineP50?.toFixed(2) ?? '-'} ms${r.pg ? `, pg ${r.pg.p50.toFixed(1)} ms${r.pgAgrees ? '' : without ? ' (agrees without the zones DuckDB and PostgreSQL tell apart)' : ` (DISAGREES: ${r.pgDifference})`}` : ''}`
          : `${v.name}: not served (no route ${v.method} ${r.url.split('?')[0]})`,
      );
      progress.tick(1);
    }
    progress.done();
    const report: MembersReport = {
      dataset: 'members',
      members: o.members,
      periods: o.periods,
      rows,
      quick: o.quick,
      ...runStamp(o.root),
      fetch: fetchResult,
      variants: results,
      zonesDisagreeing: zones ?? [],
      serverRssMiB: rss(server.child.pid),
    };
    progress.note(writeReport(p.stem, report, { md: membersMarkdown }));
    return report;
  } finally {
    closeMarketAgent();
    await server.stop();
    closeSync(logFd);
    await pgCtx?.client.end();
  }
}
