// The tables an import builds for the activity analytics (layout-intervals.ts), checked
// against independent computations: `activity_run` against each member's periods merged in
// TypeScript (overlapping, touching and repeated ones joined, empty ones dropped, the first
// run flagged), `zone_offset` against Intl's offsets at every minute around each change it
// records and at noon of every day between; and the plans that read them against the plans
// that merge and compute in the query, over random windows, zones, questions and filters
// of the imported fixture (the differential test of the two readings).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import type { ActivityQuestion } from '../engine/query/nodes.ts';
import { rng, tempDir } from './helpers.ts';
import { membersFixture, sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { activityPlan, importedFixture } from './members-activity-db.ts';
import { FIXED_ZONES, filterCases, parsedFilter } from './members-activity-cases.ts';
import { wallOf } from './query-calendar.ts';

const dir = tempDir('mlay-');
let fx: MembersFixture;
let engine: Engine;
let plainEngine: Engine;

beforeAll(async () => {
  fx = membersFixture();
  const db = await importedFixture(fx, dir.path);
  engine = await Engine.open(db, { dataset: membersDataset });
  plainEngine = await Engine.open(db, { dataset: membersDataset, rollups: false });
});
afterAll(async () => {
  await engine?.close();
  await plainEngine?.close();
  dir.cleanup();
});

describe('members activity layout', () => {
  it('stores each member\'s periods merged, by start, the first run flagged, with the member\'s zone, number and previous run\'s end', async () => {
    const want: string[] = [];
    for (const m of fx.members) {
      const ps = fx.periods.filter((p) => p.member_id === m.id && p.end > p.start).sort((a, b) => a.start - b.start);
      const runs: [number, number][] = [];
      for (const p of ps) {
        const last = runs.at(-1);
        if (last && p.start <= last[1]) last[1] = Math.max(last[1], p.end);
        else runs.push([p.start, p.end]);
      }
      runs.forEach(([s, e], i) => want.push(`${m.id} ${m.tz} ${sqlTime(s)} ${sqlTime(e)} ${i === 0} ${i === 0 ? null : sqlTime(runs[i - 1]![1])}`));
    }
    const got = await engine.db.query(`SELECT member_id, tz, strftime(start_time, '%Y-%m-%d %H:%M:%S') AS s, strftime(end_time, '%Y-%m-%d %H:%M:%S') AS e, is_first, strftime(previous_end, '%Y-%m-%d %H:%M:%S') AS pe FROM activity_run ORDER BY start_time, member_id`);
    expect(got.rows.map((r) => `${r['member_id']} ${r['tz']} ${r['s']} ${r['e']} ${r['is_first']} ${r['pe']}`).sort()).toEqual(want.sort());
    // Stored by start: zone maps skip what a window does not reach.
    const order = await engine.db.query(`SELECT count(*) AS n FROM (SELECT start_time < lag(start_time) OVER () AS back FROM activity_run) WHERE back`);
    expect(order.rows[0]!['n']).toBe(0);
    // Members numbered in id order, from 1, one number each.
    const nos = await engine.db.query(`SELECT DISTINCT member_id::VARCHAR AS id, entity_no FROM activity_run ORDER BY entity_no`);
    expect(nos.rows.map((r) => r['entity_no'])).toEqual(nos.rows.map((_, i) => i + 1));
    expect(nos.rows.map((r) => r['id'])).toEqual(nos.rows.map((r) => r['id'] as string).sort());
  });

  it('records every change of each member zone\'s offset over the data\'s span, to the minute', async () => {
    const { rows } = await engine.db.query(`SELECT zone, from_us, to_us, offset_us FROM zone_offset ORDER BY zone, from_us`);
    const zones = [...new Set(fx.members.map((m) => m.tz))].sort();
    expect([...new Set(rows.map((r) => r['zone']))].sort()).toEqual(zones);
    const lo = Math.min(...fx.periods.map((p) => p.start));
    const hi = Math.max(...fx.periods.map((p) => p.end));
    let changes = 0;
    for (const z of zones) {
      const segs = rows.filter((r) => r['zone'] === z).map((r) => ({ a: Number(r['from_us']) / 1000, b: Number(r['to_us']) / 1000, o: Number(r['offset_us']) / 1000 }));
      const at = (t: number) => segs.find((s) => s.a <= t && t < s.b)!.o;
      for (let t = Math.floor(lo / 86_400_000) * 86_400_000 + 43_200_000; t < hi; t += 86_400_000) expect(at(t), `${z} ${new Date(t).toISOString()}`).toBe(wallOf(t, z) - t);
      for (const s of segs.slice(1)) {
        changes++;
        for (const t of [s.a - 60_000, s.a, s.a + 60_000]) expect(at(t), `${z} ${new Date(t).toISOString()}`).toBe(wallOf(t, z) - t);
      }
    }
    // London, Santiago, Chatham, US/Pacific and Havana change twice a year; the fixture spans two years.
    expect(changes).toBeGreaterThanOrEqual(15);
  });

  it('answers every question the same from the import\'s tables as merging and computing in the query', async () => {
    const r = rng(5);
    const filters = [undefined, ...filterCases(fx)];
    const zones = ['UTC', 'member', ...FIXED_ZONES];
    const questions: ActivityQuestion[] = [
      { kind: 'active', granularity: 'day' },
      { kind: 'active', granularity: 'month' },
      { kind: 'time', labels: ['real_name'], limit: 40, offset: 5 },
      { kind: 'concurrency', bucket: 'hour' },
      { kind: 'concurrency', bucket: '15m' },
      { kind: 'sessions' },
      { kind: 'heatmap' },
    ];
    const lo = Date.parse('2023-12-01T00:00:00Z');
    for (let i = 0; i < 40; i++) {
      const start = lo + Math.floor(r() * 380 * 86_400) * 1000;
      const end = start + Math.floor((1 + r() * 20) * 86_400) * 1000 + Math.floor(r() * 1000) * 1000;
      const f = filters[i % filters.length];
      const plan = activityPlan(questions[i % questions.length]!, { start: i % 9 === 8 ? null : sqlTime(start), end: sqlTime(end) }, zones[i % zones.length]!, f && parsedFilter(f.json));
      if (plan.window.start === null && plan.question.kind === 'concurrency') continue;
      const [a, b] = [await engine.run(plan, { noCache: true }), await plainEngine.run(plan, { noCache: true })];
      expect(a, JSON.stringify(plan)).toEqual(b);
    }
    // The plain engine compiles without the import's tables; the other reads them.
    const plan = activityPlan({ kind: 'sessions' }, { start: '2024-04-01 00:00:00', end: '2024-05-01 00:00:00' }, 'member');
    expect(engine.compile(plan).sql).toMatch(/"activity_run"/);
    expect(plainEngine.compile(plan).sql).not.toMatch(/"activity_run"/);
  });
});
