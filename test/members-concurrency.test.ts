// GET|POST /api/v1/members/concurrency (SPEC-members section 4) against the brute-force
// reference (who is active in each minute; bucket starts found by walking the zone's clock
// minute by minute, by Intl: the first minute it shows each multiple of the bucket length
// or later): per bucket the most members active at one instant and those active at any
// time, the window's peak with its first instant; buckets of a minute to a day, days of 23
// and 25 hours, the two-hour bucket of a repeated hour, zones at +5:30 and +12:45; with
// `tz=member` everything on each member's wall clock; both ways of reading; the SQL's
// shape; HTTP, POST, CSV, Arrow, OpenAPI, the bucket limit, 400s.
import { describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import type { ActivityBucket } from '../engine/query/nodes.ts';
import { sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { MERGED, PLAIN, RUNS, activityPlan, compileActivityPlan, membersDatabase, runActivity } from './members-activity-db.ts';
import { refConcurrency } from './members-activity-reference.ts';
import { FIXED_ZONES, WINDOWS, filterCases, parsedFilter } from './members-activity-cases.ts';
import { useActivityRig } from './members-activity-serve.ts';
import type { ServedFixture } from './members-activity-serve.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { answerMatchesSchema } from './market-openapi.ts';

let fx: MembersFixture;
let plain: Database;
let merged: Database;
let served: ServedFixture;

useActivityRig((rig) => ({ fx, plain, merged, served } = rig));

const BUCKETS: readonly ActivityBucket[] = ['hour', 'day', '15m', '5m', 'minute'];
const answerOf = (r: Awaited<ReturnType<typeof runActivity>>) => ({ rows: r.rows, peak: r.parts!['peak']!.rows[0] });

describe('members concurrency', () => {
  it('compiles to one pass over the runs\' ends and the bucket starts, values bound', () => {
    const w = WINDOWS[1]!;
    const { sql, params } = compileActivityPlan(activityPlan({ kind: 'concurrency', bucket: '15m' }, w.plan, 'Europe/London'), RUNS);
    expect(sql).toMatch(/sum\(d\) OVER w AS level, max\(CASE WHEN isb = 1 THEN t END\) OVER w AS b\s+FROM ev WINDOW w AS \(ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW\)/);
    expect(sql).toMatch(/error\('buckets_too_many'\)/);
    expect(sql).not.toMatch(/London/);
    expect(params).toEqual([w.plan.start, w.plan.end, 'Europe/London', 50_000]);
  });

  it('answers as the brute-force reference over windows, zones, buckets and filters, both ways', async () => {
    const filters = [undefined, ...filterCases(fx)];
    const zones = ['UTC', 'member', ...FIXED_ZONES];
    let peaks = 0;
    for (const [i, w] of WINDOWS.entries()) {
      for (const [j, tz] of zones.entries()) {
        // Minutes over the short window only (the reference walks every minute of every bucket).
        const bucket = i === 3 ? BUCKETS[j % 5]! : BUCKETS[(i + j) % 3]!;
        const f = filters[(i + 2 * j) % filters.length];
        const want = refConcurrency(fx, { ...w.ref, tz, ...(f ? { keep: f.keep } : {}) }, bucket);
        const plan = activityPlan({ kind: 'concurrency', bucket }, w.plan, tz, f && parsedFilter(f.json));
        const what = `${i} ${tz} ${bucket} ${JSON.stringify(f?.json)}`;
        for (const [db, o] of [[merged, MERGED], [merged, RUNS], [plain, PLAIN]] as const) expect(answerOf(await runActivity(db, plan, o)), what).toEqual(want);
        peaks += want.rows.filter((r) => r.peak > 1).length;
      }
    }
    expect(peaks).toBeGreaterThan(100);
  });

  it('reads the import\'s levels in UTC and fixed zones without a filter: the window\'s events grouped by bucket', async () => {
    const w = WINDOWS[1]!;
    const { sql, params } = compileActivityPlan(activityPlan({ kind: 'concurrency', bucket: '15m' }, w.plan, 'Europe/London'), MERGED);
    expect(sql).toMatch(/FROM "activity_level" v WHERE v\."t_us" > epoch_us\(\$1::TIMESTAMP\) AND v\."t_us" < epoch_us\(\$2::TIMESTAMP\)/);
    expect(sql).not.toMatch(/OVER \(ORDER BY t RANGE|OVER w AS level/);
    expect(params).toEqual([w.plan.start, w.plan.end, 'Europe/London', 50_000, w.plan.start]);
    // A filter, or tz=member over less than three days: computed from the runs.
    expect(compileActivityPlan(activityPlan({ kind: 'concurrency', bucket: 'hour' }, WINDOWS[3]!.plan, 'member'), MERGED).sql).not.toMatch(/activity_level/);
    expect(compileActivityPlan(activityPlan({ kind: 'concurrency', bucket: 'hour' }, w.plan, 'UTC', parsedFilter({ field: 'tz', op: 'eq', value: 'UTC' })), MERGED).sql).not.toMatch(/activity_level/);
    // Windows starting and ending at many instants around the DST changes (and on the dot of
    // period ends and starts), every bucket length, UTC and zones that repeat and skip hours.
    const zones = ['UTC', 'America/Havana', 'Europe/London', 'Pacific/Chatham', 'Asia/Kolkata', 'America/Santiago'];
    const starts = ['2024-03-30T22:00:00Z', '2024-03-31T05:00:00Z', '2024-11-03T05:00:00Z', '2024-10-26T23:00:00Z', '2024-04-06T13:07:00Z', '2024-09-07T23:59:00Z'].map(Date.parse);
    for (let i = 0; i < 36; i++) {
      const start = starts[i % 6]! + (i % 4) * 3 * 3600_000;
      const end = start + (i % 3 === 0 ? 6 * 3600_000 : (1 + (i % 5)) * 86_400_000) + (i % 7) * 60_000;
      const tz = zones[(i + Math.floor(i / 6)) % 6]!;
      const bucket = end - start < 86_400_000 ? BUCKETS[i % 5]! : BUCKETS[i % 3]!;
      const want = refConcurrency(fx, { start, end, tz }, bucket);
      const plan = activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, tz);
      for (const [db, o] of [[merged, MERGED], [plain, PLAIN]] as const) expect(answerOf(await runActivity(db, plan, o)), `${i} ${tz} ${bucket} ${o === MERGED}`).toEqual(want);
    }
    // Windows starting in the hour before the clocks go back: the hour repeated lies before
    // the window's first wall-clock tick, and its events still belong to the bucket that
    // began before the change (found by review: placed by their tick, they were dropped);
    // and windows ending in the hour after.
    const fallBacks: [string, string, string][] = [
      ['America/Santiago', '2024-04-07T02:24:00Z', '2024-04-07T04:30:00Z'],
      ['America/Santiago', '2024-04-07T02:05:00Z', '2024-04-08T01:00:00Z'],
      ['America/Havana', '2024-11-03T04:52:00Z', '2024-11-03T06:30:00Z'],
      ['America/Havana', '2024-11-03T04:10:00Z', '2024-11-03T09:00:00Z'],
      ['Europe/London', '2024-10-27T00:30:00Z', '2024-10-27T03:00:00Z'],
      ['Pacific/Chatham', '2024-04-06T13:30:00Z', '2024-04-06T16:00:00Z'],
      // Ending within the hour after: the latest wall-clock time is just before the change,
      // not the window's last instant's (the buckets up to it were missing, on every plan).
      ['America/Santiago', '2024-04-07T02:00:00Z', '2024-04-07T03:05:00Z'],
      ['America/Havana', '2024-11-03T01:00:00Z', '2024-11-03T05:30:00Z'],
      ['Europe/London', '2024-10-26T22:10:00Z', '2024-10-27T01:20:00Z'],
      // Lying wholly inside the second pass of the repeated hour, or starting there: the
      // bucket holding the window's instants began in the first pass (found by review: the
      // buckets of the ticks shown in the window were listed, the one holding it missed).
      ['Europe/London', '2024-10-27T01:00:00Z', '2024-10-27T01:30:00Z'],
      ['Europe/London', '2024-10-27T01:10:00Z', '2024-10-27T03:00:00Z'],
      ['America/Santiago', '2024-04-07T03:10:00Z', '2024-04-07T03:50:00Z'],
      ['America/Havana', '2024-11-03T05:20:00Z', '2024-11-03T05:40:00Z'],
      ['Pacific/Chatham', '2024-04-06T14:05:00Z', '2024-04-06T14:55:00Z'],
    ];
    for (const [tz, s, e] of fallBacks) {
      for (const bucket of ['15m', 'hour'] as const) {
        const [start, end] = [Date.parse(s), Date.parse(e)];
        const want = refConcurrency(fx, { start, end, tz }, bucket);
        const plan = activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, tz);
        for (const [db, o] of [[merged, MERGED], [plain, PLAIN]] as const) expect(answerOf(await runActivity(db, plan, o)), `${tz} ${s} ${bucket} ${o === MERGED}`).toEqual(want);
        // Each member's own clock, with only that zone's members: the window's wall-clock
        // range is its zone's (earlier, the latest was its last instant's, and the earliest its
        // first's: the buckets after and before were missing, their minutes put in the last
        // bucket or dropped).
        const only = { json: { field: 'tz', op: 'eq', value: tz }, keep: (m: { tz: string }) => m.tz === tz };
        const own = refConcurrency(fx, { start, end, tz: 'member', keep: only.keep }, bucket);
        const ownPlan = activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, 'member', parsedFilter(only.json));
        for (const [db, o] of [[merged, MERGED], [plain, PLAIN]] as const) expect(answerOf(await runActivity(db, ownPlan, o)), `member ${tz} ${s} ${bucket} ${o === MERGED}`).toEqual(own);
      }
    }
  });

  it('reads the import\'s rollup of the levels per UTC hour for hours in UTC, the edge hours from their events, as the reference', async () => {
    const hourly = (start: number, end: number, tz = 'UTC', bucket: ActivityBucket = 'hour') =>
      compileActivityPlan(activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, tz), MERGED).sql;
    const H = 3600_000;
    const t0 = Date.parse('2024-10-25T00:00:00Z');
    // The stored hours from the one after the start's to the one before the end's; the events
    // of those two hours only (the levels table read in two ranges, not the window's).
    const sql = hourly(t0, t0 + 48 * H);
    expect(sql).toMatch(/FROM "activity_level_hour" v WHERE v\."hour_us" >= \(\(\(epoch_us\(\$1::TIMESTAMP\) - .* \+ 3600000000\) AND v\."hour_us" < \(\(\(epoch_us\(\$2::TIMESTAMP\)/);
    expect(sql).toMatch(/FROM "activity_level" v WHERE v\."t_us" > epoch_us\(\$1::TIMESTAMP\) AND v\."t_us" < least\(/);
    expect(sql).toMatch(/FROM "activity_level" v WHERE v\."t_us" > epoch_us\(\$1::TIMESTAMP\) AND v\."t_us" >= greatest\(/);
    // Another bucket, or a zone whose offsets are not whole hours: the events.
    for (const other of [hourly(t0, t0 + 48 * H, 'UTC', 'day'), hourly(t0, t0 + 48 * H, 'Asia/Kolkata')]) {
      expect(other).not.toMatch(/activity_level_hour/);
      expect(other).toMatch(/FROM "activity_level" v WHERE v\."t_us" > epoch_us\(\$1::TIMESTAMP\) AND v\."t_us" < epoch_us\(\$2::TIMESTAMP\)/);
    }
    // Windows starting on the hour of periods' starts and ends (where the level changes at the
    // window's first instant), and at hours with nobody active; 1 hour to 9 days long; every
    // third one's start and end moved off the hour (by minutes, by one, within one hour).
    const hours = [...new Set(fx.periods.flatMap((p) => [p.start, p.end]).map((t) => Math.floor(t / H) * H))].sort((a, b) => a - b);
    const before = hours[0]! - 24 * H;
    // First: the hour in which member 10's run ended on its first instant and the next began.
    hours.unshift(Date.parse('2024-10-29T09:00:00Z'));
    let read = 0;
    for (let i = 0; i < 40; i++) {
      const on = i % 8 === 7 ? before - i * 24 * H : hours[(i * 37) % hours.length]!;
      const off = i % 3 === 1 ? [(i % 59) * 60_000, ((i * 7) % 60) * 60_000 - H] : [0, 0];
      // One within an hour, around member 10's run inside it.
      const start = i === 4 ? Date.parse('2024-10-29T09:10:00Z') : on + off[0]!;
      const end = i === 4 ? start + 40 * 60_000 : on + (1 + ((i * 13) % 216)) * H + off[1]!;
      const want = refConcurrency(fx, { start, end, tz: 'UTC' }, 'hour');
      const plan = activityPlan({ kind: 'concurrency', bucket: 'hour' }, { start: sqlTime(start), end: sqlTime(end) }, 'UTC');
      expect(answerOf(await runActivity(merged, plan, MERGED)), `${sqlTime(start)} ${sqlTime(end)}`).toEqual(want);
      read += want.rows.filter((r) => r.members > 0).length;
    }
    expect(read).toBeGreaterThan(200);
    // Off the hour and ending at the next hour or inside it: no stored hour, both event ranges.
    for (const [s, e] of [['09:10', '10:00'], ['09:10', '10:30'], ['08:59', '09:21']]) {
      const [start, end] = [Date.parse(`2024-10-29T${s}:00Z`), Date.parse(`2024-10-29T${e}:00Z`)];
      const plan = activityPlan({ kind: 'concurrency', bucket: 'hour' }, { start: sqlTime(start), end: sqlTime(end) }, 'UTC');
      expect(answerOf(await runActivity(merged, plan, MERGED)), `${s} ${e}`).toEqual(refConcurrency(fx, { start, end, tz: 'UTC' }, 'hour'));
    }
  });

  it('reads the wall-clock levels right where a run clipped at the window\'s start starts on a bucket, and where a zone falls back just outside the window (found by review)', async () => {
    // Beside the fixture: a US/Pacific member active only just after its clocks go back
    // (2024-11-03 09:00Z), and a Chatham member only just before its go back (04-06 14:00Z).
    const H = 3600_000;
    const at = (iso: string) => Date.parse(iso);
    const byZone = (tz: string, k: number) => fx.members.filter((m) => m.tz === tz)[k]!.id;
    const extra = [
      { member_id: byZone('US/Pacific', 1), start: at('2024-11-03T09:20:00Z'), end: at('2024-11-03T09:40:00Z') },
      { member_id: byZone('Pacific/Chatham', 2), start: at('2024-04-06T13:00:00Z'), end: at('2024-04-06T13:30:00Z') },
    ].map((p, i) => ({ id: 10_000 + i, ...p }));
    const fx2 = { members: fx.members, periods: [...fx.periods, ...extra] };
    const db = await membersDatabase(fx2, true);
    try {
      const cases: [string, number, ActivityBucket][] = [
        // m1 (the start at Chatham's +13:45) on a quarter hour and on the hour, where the
        // Chatham member active across the start begins on the wall clock.
        ['2024-04-06T12:00:00Z', 4 * 24, '15m'],
        ['2024-04-06T11:15:00Z', 4 * 24, 'hour'],
        ['2024-04-06T11:15:00Z', 3 * 24, '5m'],
        // The end on US/Pacific's change (its -8 only after it); the start just after Chatham's.
        ['2024-10-29T00:00:00Z', 5 * 24 + 9, 'hour'],
        ['2024-10-29T00:00:00Z', 5 * 24 + 9, '15m'],
        ['2024-04-06T14:00:00Z', 5 * 24, '15m'],
        ['2024-04-06T14:00:00Z', 5 * 24, 'hour'],
      ];
      for (const [s, hours, bucket] of cases) {
        const [start, end] = [at(s), at(s) + hours * H];
        const plan = activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, 'member');
        expect(compileActivityPlan(plan, MERGED).sql).toMatch(/activity_level_wall/);
        expect(answerOf(await runActivity(db, plan, MERGED)), `${s} ${hours} ${bucket}`).toEqual(refConcurrency(fx2, { start, end, tz: 'member' }, bucket));
      }
    } finally {
      db.close();
    }
  });

  it('reads the rollup per UTC hour in zones whose offsets are whole hours, the hours the clocks go back over from their events, as the reference', async () => {
    const ask = (start: number, end: number, tz: string, bucket: ActivityBucket) => activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, tz);
    const H = 3600_000;
    const t0 = Date.parse('2024-10-25T00:00:00Z');
    // Per hour in London: the stored hours a bucket has alone; an event's bucket by its UTC
    // hour (no ASOF join of the events); the hours sharing a bucket from their events.
    const london = compileActivityPlan(ask(t0, t0 + 5 * 24 * H, 'Europe/London', 'hour'), MERGED).sql;
    expect(london).toMatch(/FROM "activity_level_hour" v JOIN um ON um\.u = v\."hour_us" AND um\.alone WHERE/);
    expect(london).toMatch(/IN \(SELECT u FROM um WHERE NOT alone\)/);
    expect(london).toMatch(/FROM ev JOIN um ON um\.u = /);
    expect(london).not.toMatch(/ASOF JOIN \(SELECT DISTINCT bs FROM bk\) k ON ev\.t/);
    // 15 minutes: the lookup, no rollup; Kolkata (+05:30), a day, or a window over 400 days: the ASOF join.
    const quarter = compileActivityPlan(ask(t0, t0 + 5 * 24 * H, 'America/New_York', '15m'), MERGED).sql;
    expect(quarter).toMatch(/FROM ev JOIN um ON um\.u = /);
    expect(quarter).not.toMatch(/activity_level_hour/);
    for (const [tz, b, days] of [['Asia/Kolkata', 'hour', 5], ['Europe/London', 'day', 5], ['Europe/London', 'hour', 401]] as const)
      expect(compileActivityPlan(ask(t0, t0 + days * 24 * H, tz, b), MERGED).sql, `${tz} ${b} ${days}`).toMatch(/ASOF JOIN \(SELECT DISTINCT bs FROM bk\) k ON ev\.t/);
    // Windows of hours to weeks over the fixture's DST changes in zones that repeat and skip
    // hours (London, Havana, Santiago at local midnight, US/Pacific), on and off the hour.
    const zones = ['Europe/London', 'America/Havana', 'America/Santiago', 'US/Pacific', 'Asia/Tokyo'];
    const around = ['2024-10-27T01:00:00Z', '2024-11-03T05:00:00Z', '2024-04-07T03:00:00Z', '2024-11-03T09:00:00Z', '2024-03-31T01:00:00Z', '2024-09-08T04:00:00Z', '2024-03-10T05:00:00Z'].map(Date.parse);
    let busy = 0;
    for (let i = 0; i < 42; i++) {
      const tz = zones[i % zones.length]!;
      const start = around[i % around.length]! - ((i * 5) % 50) * H - (i % 3 === 1 ? ((i * 11) % 60) * 60_000 : 0);
      const end = start + (i % 6 === 0 ? 5 * H : ((i * 7) % 240 + 30) * H) + (i % 4 === 3 ? 17 * 60_000 : 0);
      const bucket = i % 5 === 4 ? '15m' : 'hour';
      const want = refConcurrency(fx, { start, end, tz }, bucket);
      expect(answerOf(await runActivity(merged, ask(start, end, tz, bucket), MERGED)), `${i} ${tz} ${sqlTime(start)} ${sqlTime(end)} ${bucket}`).toEqual(want);
      busy += want.rows.filter((r) => r.peak > 0).length;
    }
    expect(busy).toBeGreaterThan(100);
  });

  it('reads the import\'s wall-clock levels for tz=member without a filter, the window\'s ends swept from their runs, as the reference', async () => {
    const plan = (start: number, end: number, bucket: ActivityBucket) => activityPlan({ kind: 'concurrency', bucket }, { start: sqlTime(start), end: sqlTime(end) }, 'member');
    const H = 3600_000;
    const t0 = Date.parse('2024-10-25T00:00:00Z');
    // Per hour: the stored hours between the swept ends; the stored events only in the hour
    // before m2; no sort of the window's runs.
    const { sql } = compileActivityPlan(plan(t0, t0 + 10 * 24 * H, 'hour'), MERGED);
    expect(sql).toMatch(/FROM "activity_level_wall_hour" v WHERE v\."hour_us" >= \(SELECT mb FROM wo\) AND v\."hour_us" < \(SELECT bl FROM wo\)/);
    expect(sql).toMatch(/FROM "activity_level_wall" v\s+WHERE v\."t_us" >= epoch_us\(\$2::TIMESTAMP\) - 57600000000 - 3600000000 AND/);
    expect(sql).toMatch(/"start_time" < make_timestamp\(epoch_us\(\$1::TIMESTAMP\) \+ 118800000000\)/);
    expect(sql).toMatch(/"end_time" > make_timestamp\(epoch_us\(\$2::TIMESTAMP\) - 118800000000\)/);
    expect(sql).not.toMatch(/OVER w AS level|activity_level_hour/);
    // Another bucket: the stored events between the swept ends, no rollup.
    const days = compileActivityPlan(plan(t0, t0 + 10 * 24 * H, 'day'), MERGED).sql;
    expect(days).toMatch(/FROM "activity_level_wall" v\s+WHERE v\."t_us" >= epoch_us\(\$1::TIMESTAMP\) - 57600000000 AND v\."t_us" < epoch_us\(\$2::TIMESTAMP\) \+ 57600000000 AND v\."t_us" >= \(SELECT mb FROM wo\)/);
    expect(days).not.toMatch(/activity_level_wall_hour/);
    // Windows of 3 to 24 days starting and ending at periods' starts and ends and around the
    // fixture's DST changes, on and off the hour; every bucket length (minutes on the
    // shortest only: the reference walks every minute).
    const edges = [...new Set(fx.periods.flatMap((p) => [p.start, p.end]))].sort((a, b) => a - b);
    const dst = ['2024-03-30T22:00:00Z', '2024-04-06T13:07:00Z', '2024-10-26T23:00:00Z', '2024-11-03T05:00:00Z', '2024-09-07T23:59:00Z'].map(Date.parse);
    let busy = 0;
    for (let i = 0; i < 30; i++) {
      const anchor = i % 3 === 0 ? dst[i % dst.length]! : edges[(i * 53) % edges.length]!;
      const start = anchor - (i % 2 ? 0 : ((i * 17) % 40) * H) - (i % 5 === 1 ? 37 * 60_000 : 0);
      const end = start + (3 * 24 + ((i * 29) % (21 * 24))) * H + (i % 4 === 2 ? 13 * 60_000 : 0);
      const bucket = i % 10 === 9 ? (['5m', 'minute'] as const)[i % 2]! : (['hour', 'day', '15m'] as const)[i % 3]!;
      const want = refConcurrency(fx, { start, end, tz: 'member' }, bucket);
      const p = plan(start, end, bucket);
      expect(compileActivityPlan(p, MERGED).sql).toMatch(/activity_level_wall/);
      expect(answerOf(await runActivity(merged, p, MERGED)), `${i} ${sqlTime(start)} ${sqlTime(end)} ${bucket}`).toEqual(want);
      busy += want.rows.filter((r) => r.peak > 1).length;
    }
    expect(busy).toBeGreaterThan(50);
    // Day buckets where the first one after m1 (the window's start at the largest offset,
    // Chatham's +12:45 or +13:45) begins just after it: runs of members west of UTC starting
    // 32 to 38 hours after the window's start reach the wall clock before that bucket (swept
    // with a reach of 32 hours alone, they were missed).
    const west = new Set(fx.members.filter((m) => /Pacific|Havana|Santiago/.test(m.tz)).map((m) => m.id));
    let tried = 0;
    for (const p of fx.periods.filter((q) => west.has(q.member_id) && q.end > q.start)) {
      for (const maxO of [12.75 * H, 13.75 * H]) {
        const day = Math.floor((p.start - 34 * H + maxO) / (24 * H)) * 24 * H;
        const start = day - maxO + 60_000;
        const want = refConcurrency(fx, { start, end: start + 5 * 24 * H, tz: 'member' }, 'day');
        expect(answerOf(await runActivity(merged, plan(start, start + 5 * 24 * H, 'day'), MERGED)), `west ${sqlTime(start)}`).toEqual(want);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(10);
  });

  it('makes the hour London repeats one two-hour bucket, and Havana\'s day of 25 hours one bucket', async () => {
    const hours = await runActivity(merged, activityPlan({ kind: 'concurrency', bucket: 'hour' }, { start: '2024-10-26 23:00:00', end: '2024-10-27 03:00:00' }, 'Europe/London'), MERGED);
    // 00:00 BST (23:00Z), 01:00 BST and GMT (00:00Z-02:00Z), 02:00 GMT (02:00Z).
    expect(hours.rows.map((r) => r['period'])).toEqual(['2024-10-26T23:00:00.000Z', '2024-10-27T00:00:00.000Z', '2024-10-27T02:00:00.000Z']);
    const days = await runActivity(merged, activityPlan({ kind: 'concurrency', bucket: 'day' }, { start: '2024-11-02 12:00:00', end: '2024-11-05 12:00:00' }, 'America/Havana'), MERGED);
    // Havana's midnights: 04:00Z (CDT) on the 2nd and 3rd; 05:00Z (CST) after its 25-hour Nov 3.
    expect(days.rows.map((r) => r['period'])).toEqual(['2024-11-02T04:00:00.000Z', '2024-11-03T04:00:00.000Z', '2024-11-04T05:00:00.000Z', '2024-11-05T05:00:00.000Z']);
  });

  it('serves the reference over HTTP, POST as GET, CSV and Arrow, and its OpenAPI schema', async () => {
    for (const [i, w] of WINDOWS.entries()) {
      const tz = ['UTC', 'member', 'Pacific/Chatham', 'America/Santiago', 'member'][i]!;
      const bucket = (['hour', 'day', 'hour', '15m', 'day'] as const)[i]!;
      const r = await served.get('concurrency', { ...w.ask, tz, bucket });
      expect(r.status).toBe(200);
      const want = refConcurrency(fx, { ...w.ref, tz }, bucket);
      expect(r.body).toMatchObject({ bucket, tz, peak: want.peak });
      expect(r.body['data']).toEqual(want.rows);
    }
    const ask = { ...WINDOWS[0]!.ask, tz: 'member', filters: filterCases(fx)[2]!.json };
    const g = await served.get('concurrency', ask);
    expect(g.body['bucket']).toBe('hour');
    const p = await served.app.inject({ method: 'POST', url: '/api/v1/members/concurrency', payload: ask });
    expect(p.json()).toEqual(g.body);
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/concurrency', g.body);
    const answer = { columns: [['period', 'text'], ['peak', 'integer'], ['members', 'integer']].map(([name, type]) => ({ name, type })), data: g.body['data'] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expectCsvEqualsJson((await served.get('concurrency', { ...ask, format: 'csv' })).raw, answer, 'concurrency CSV');
    await expectArrowEqualsJson((await served.get('concurrency', { ...ask, format: 'arrow' })).bytes, answer, 'concurrency Arrow');
  });

  it('answers no activity with zero buckets and a peak of 0 at no instant', async () => {
    const r = await served.get('concurrency', { start: '2022-01-01T00:00:00Z', end: '2022-01-02T00:00:00Z' });
    expect(r.body['peak']).toEqual({ members: 0, at: null });
    expect((r.body['data'] as { peak: number; members: number }[]).map((x) => x.peak + x.members)).toEqual(Array(24).fill(0));
  });

  it('refuses more than 50,000 buckets and bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ bucket: 'minute', range: 'year' }, '/bucket'],
      [{ bucket: '30m' }, '/bucket'],
      [{ tz: 'member ' }, '/tz'],
      [{ end: '2024-01-01', start: '2024-01-01' }, '/end'],
    ];
    for (const [a, path] of cases) {
      const r = await served.get('concurrency', a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });
});
