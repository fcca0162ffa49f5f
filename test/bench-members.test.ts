// The members benchmark's harness: its command line (the other datasets' options refused),
// where its files go, its table ("yes*" only with the zones named, a disagreement in bold),
// its README section, the zone exclusion added to a request; and, against the real app over
// the members fixture (periods across DST changes and local midnights, overlaps, zones at
// +12:45 and +05:30), every variant's PostgreSQL SQL over the Django tables loaded from the
// same Parquet files giving the engine's answer, and /fetch/'s text the same byte for byte.
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchOptions, benchProgram } from '../bench/options.ts';
import { closeMarketAgent, marketRequest, measureMarket } from '../bench/market/measure.ts';
import type { MarketServed } from '../bench/market/measure.ts';
import { measureFetch } from '../bench/members/fetch.ts';
import type { FetchResult } from '../bench/members/fetch.ts';
import { membersPaths } from '../bench/members/run.ts';
import { membersMarkdown, withMembersTable } from '../bench/members/report.ts';
import type { MembersReport } from '../bench/members/report.ts';
import { MEMBERS_PREFIX, membersVariants, withoutZones } from '../bench/members/variants.ts';
import { Engine } from '../engine/engine.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { loadTaskSchema } from '../data/members/pg-load.ts';
import { buildApp } from '../server/app.ts';
import { END, STEADY_LIMITS, tempDir } from './helpers.ts';
import { membersFixture } from './members-fixture.ts';
import { PGURL, dropSchema, postgresForTests } from './pg-fixture.ts';

const parsed = (...argv: string[]) => {
  const program = benchProgram();
  program.parse(argv, { from: 'user' });
  return benchOptions(program);
};

describe('bench command line, members', () => {
  it('takes --dataset members --members N [--periods P]', () => {
    expect(parsed('--dataset', 'members', '--members', '2000', '--quick')).toEqual({ dataset: 'members', members: 2000, periods: 3, quick: true, pg: true, readme: false, backend: 'duckdb' });
    expect(parsed('--dataset', 'members', '--periods', '10', '--readme', '--no-pg')).toEqual({ dataset: 'members', members: 1_000_000, periods: 10, quick: false, pg: false, readme: true, backend: 'duckdb' });
  });

  it('refuses another dataset\'s options, theirs for it, and too few members or periods', () => {
    expect(parsed('--dataset', 'members', '--orders', '5000')).toEqual({ error: "option '--orders' does not apply to --dataset members" });
    expect(parsed('--dataset', 'members', '--views', '5000')).toEqual({ error: "option '--views' does not apply to --dataset members" });
    expect(parsed('--dataset', 'marketplace', '--members', '5000')).toEqual({ error: "option '--members' does not apply to --dataset marketplace" });
    expect(parsed('--periods', '5')).toEqual({ error: "option '--periods' does not apply to --dataset blog" });
    expect(parsed('--dataset', 'members', '--backend', 'clickhouse')).toEqual({ error: "option '--backend clickhouse' measures the blog's variants (not --dataset members)" });
    expect(() => parsed('--dataset', 'members', '--members', '999')).toThrow(/at least 1000/);
    expect(() => parsed('--dataset', 'members', '--periods', '0')).toThrow(/'--periods <n>' argument '0' is invalid/);
  });

  it('keeps each size\'s data, snapshot, schema and results apart', () => {
    expect(membersPaths({ root: '/r', members: 2000, periods: 3, quick: true })).toMatchObject({
      parquet: '/r/bench/data/members-2000',
      snapshot: '/r/bench/data/members-2000/members.duckdb',
      schema: 'bae_bench_members_2000',
      stem: '/r/bench/results/bench-members-2000-quick',
    });
    expect(membersPaths({ root: '/r', members: 1_000_000, periods: 10, quick: false })).toMatchObject({
      parquet: '/r/bench/data/members-1000000-p10',
      schema: 'bae_bench_members_1000000_p10',
      stem: '/r/bench/results/bench-members-1000000-p10',
    });
  });
});

describe('requests and the report', () => {
  const all = membersVariants('00000000-0000-4000-8000-000000000001');

  it('asks below /api/v1/members, a member by its id, the query by POST', () => {
    const url = (name: string) => marketRequest(all.find((v) => v.name === name)!, END.toISOString(), MEMBERS_PREFIX);
    expect(url('one member').url).toBe(`/api/v1/members/00000000-0000-4000-8000-000000000001?as_of=${encodeURIComponent(END.toISOString())}`);
    expect(url('heatmap, Europe/London').url).toMatch(/^\/api\/v1\/members\/heatmap\?as_of=.*&tz=Europe%2FLondon$/);
    expect(url('query: periods by month, a year').body).toContain('"measures":["periods","active_members","active_seconds"]');
  });

  it('leaves zones out by a filter, beside the variant\'s own', () => {
    const filtered = all.find((v) => v.name.startsWith('members, a period'))!;
    const leaf = { field: 'tz', op: 'not_in', value: ['CET', 'WET'] };
    expect(withoutZones(filtered, ['CET', 'WET']).members['filters']).toEqual({ and: [filtered.members['filters'], leaf] });
    const heatmap = all.find((v) => v.name === 'heatmap, tz=member')!;
    expect(withoutZones(heatmap, ['CET', 'WET']).members).toEqual({ filters: leaf });
    expect(withoutZones(heatmap, [])).toBe(heatmap);
  });

  const stats = { min: 1, avg: 2, p50: 2, p99: 3, max: 4, ops: 500, samples: 10 };
  const served = (name: string, pgAgrees: boolean, agreesWithout?: string[]) => ({
    name, method: 'GET' as const, url: `/api/v1/members/${name}`, served: true as const, http: stats, httpCached: stats, engineP50: 1.5, httpOverheadP50: 0.5,
    pg: { ...stats, p50: 40 }, pgAgrees, ...(agreesWithout ? { agreesWithout } : {}),
  });
  const fetchResult: FetchResult = { members: 2000, bytes: 2 ** 20, runs: [{ firstByte: 12, total: 300 }], firstByteP50: 12, totalP50: 300, rssBeforeMiB: 100, rssAfterMiB: 110, rssPeakMiB: 120, pg: { firstByteP50: 20, totalP50: 400, runs: 3 }, pgAgrees: true };
  const report = (variants: MembersReport['variants']): MembersReport => ({
    dataset: 'members', members: 2000, periods: 3, rows: { member: 2000, activity_period: 5694 }, quick: true, commit: 'c', date: 'd', machine: 'm',
    fetch: fetchResult, variants, zonesDisagreeing: ['CET', 'Europe/Chisinau'], serverRssMiB: null,
  });

  it('writes yes, yes* with the zones named, and a disagreement in bold', () => {
    const md = membersMarkdown(report([served('sessions', true), served('heatmap', false, ['CET', 'Europe/Chisinau']), served('active', false)]));
    expect(md).toContain('| 2,000 members, 1 run (PostgreSQL 3) | 12.0 | 300 | 1.0 MiB | 100 MiB / 110 MiB / 120 MiB | 20.0 | 400 | yes |');
    expect(md).toMatch(/\| sessions \| 1\.00 \| 2\.00 \| 2\.00 \|.*\| 40\.0 \| 20x \| yes \|/);
    expect(md).toMatch(/\| heatmap \|.*\| yes\* \|/);
    expect(md).toMatch(/\| active \|.*\| \*\*no\*\* \|/);
    expect(md).toContain('\\* The same answer once the members in CET, Europe/Chisinau are left out on both sides');
  });

  it('names the zones apart even where no answer needed them', () => {
    expect(membersMarkdown(report([served('sessions', true)]))).toContain('(no answer above was affected): CET, Europe/Chisinau.');
  });

  it('replaces the README section between its markers, and refuses a README without it', () => {
    const readme = 'a\n<!-- bench-members:start -->\nold\n<!-- bench-members:end -->\nb\n';
    expect(withMembersTable(readme, 'NEW\n')).toBe('a\n<!-- bench-members:start -->\nNEW\n<!-- bench-members:end -->\nb\n');
    expect(() => withMembersTable('a\n', 'x')).toThrow('README has no <!-- bench-members:start --> ... <!-- bench-members:end --> section');
  });
});

const dir = tempDir('bench-members-');
const schema = `bae_bench_members_test_${process.pid}`;
const reachable = await postgresForTests("the members benchmark's PostgreSQL checks");

describe.runIf(reachable)('beside PostgreSQL (the Django tables from the same Parquet files)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let base: string;
  let client: pg.Client;
  beforeAll(async () => {
    const fx = await membersFixture(dir.path);
    engine = await Engine.open(fx.db, { dataset: membersDataset });
    app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: STEADY_LIMITS });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    await loadTaskSchema(schema, fx.source, dir.path);
    client = new pg.Client({ connectionString: PGURL });
    await client.connect();
  }, 600_000);
  afterAll(async () => {
    closeMarketAgent();
    await client?.end();
    await app?.close();
    await engine?.close();
    await dropSchema(schema).catch(() => {});
    dir.cleanup();
  });

  it('every variant agrees with PostgreSQL, cell by cell', async () => {
    const member = (await client.query<{ id: string }>(`SELECT member_id::text AS id FROM ${schema}.task_activityperiod GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)).rows[0]!.id;
    const ctx = { base, asOf: END.toISOString(), quick: true, pg: { client, schema }, serverLog: 'none', prefix: MEMBERS_PREFIX, pgExtra: [[]] };
    const disagreements: string[] = [];
    for (const v of membersVariants(member)) {
      const r = (await measureMarket(ctx, v)) as MarketServed;
      expect(r.served, v.name).toBe(true);
      if (!r.pgAgrees) disagreements.push(`${v.name}: ${r.pgDifference}`);
    }
    expect(disagreements).toEqual([]);
  }, 120_000);

  it('catches a wrong answer: sessions without merging the periods disagree', async () => {
    const sessions = membersVariants('x').find((v) => v.name === 'sessions')!;
    const wrong = { ...sessions, pg: (s: string) => sessions.pg(s).replace('count(*) FILTER (WHERE prev IS NULL OR prev < s)', 'row_number()') };
    const r = (await measureMarket({ base, asOf: END.toISOString(), quick: true, pg: { client, schema }, serverLog: 'none', prefix: MEMBERS_PREFIX, pgExtra: [[]] }, wrong)) as MarketServed;
    expect(r.pgAgrees).toBe(false);
    expect(r.pgDifference).toMatch(/^row 0, cell 0: \d+ here, "\d+" in PostgreSQL$/);
  }, 60_000);

  it('/fetch/ gives PostgreSQL\'s text byte for byte', async () => {
    const r = await measureFetch({ base, pid: undefined, members: 0, runs: 1, pg: { client, schema } });
    expect(r.bytes).toBeGreaterThan(1000);
    expect(r.pgAgrees).toBe(true);
  }, 60_000);
});
