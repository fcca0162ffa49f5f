// GET|POST /api/v1/members/active (SPEC-members section 4) against the brute-force
// reference (the local dates of each member's active minutes, by Intl): per day, ISO week
// or month of the zone, active and new members (first activity ever, in the window), and
// per day WAU, MAU (the 7 and 30 days ending with it, inside the window) and stickiness
// (percent, two decimals, half up; null when MAU is 0); every bucket the window touches,
// zero-filled; each member's own calendar (`tz=member`: buckets over every zone's dates);
// both ways of reading; the SQL's shape; HTTP, POST, CSV, Arrow, OpenAPI, 400s.
import { describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { MERGED, NO_DAY_HOURS, PLAIN, RUNS, activityPlan, compileActivityPlan, runActivity } from './members-activity-db.ts';
import { refActive } from './members-activity-reference.ts';
import { FIXED_ZONES, WINDOWS, filterCases, parsedFilter, zonedWindow } from './members-activity-cases.ts';
import { useActivityRig } from './members-activity-serve.ts';
import type { ServedFixture } from './members-activity-serve.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { answerMatchesSchema } from './market-openapi.ts';

let fx: MembersFixture;
let plain: Database;
let merged: Database;
let served: ServedFixture;

useActivityRig((rig) => ({ fx, plain, merged, served } = rig));

const GRANULARITIES = ['day', 'week', 'month'] as const;

describe('members active', () => {
  it('compiles to one statement: first activities from the merged runs\' first flags, values bound', () => {
    const w = WINDOWS[2]!;
    const filter = parsedFilter({ field: 'real_name', op: 'startswith', value: 'Zo' });
    const m = compileActivityPlan(activityPlan({ kind: 'active', granularity: 'week' }, w.plan, 'member', filter), RUNS);
    expect(m.sql).toMatch(/WHERE p\."is_first" AND p\."start_time" < \$2::TIMESTAMP AND p\."start_time" >= \$1::TIMESTAMP/);
    expect(m.sql).not.toMatch(/Zo'|'week'/);
    // The filter is a semi-join of the runs and of the first activities.
    expect(m.params).toEqual([w.plan.start, w.plan.end, 'Zo', 'Zo', 'week', 50_000, 'day', '%Y-%m-%d', '%G-W%V']);
    expect(m.sql).toMatch(/error\('buckets_too_many'\)/);
    // Without the import's tables: each member's earliest period holding time, over all time.
    // No span is cut into days, and nothing is made distinct.
    expect(m.sql).not.toMatch(/DISTINCT m|count\(DISTINCT/);
    const p = compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'UTC'), PLAIN);
    expect(p.sql).toMatch(/min\(epoch_us\(p\."start_time"\)\) AS f FROM "activity_period" p WHERE p\."end_time" > p\."start_time" GROUP BY ALL/);
  });

  it('answers as the brute-force reference over windows, zones, granularities and filters, both ways', async () => {
    const filters = [undefined, ...filterCases(fx)];
    const zones = ['UTC', 'member', ...FIXED_ZONES];
    let fresh = 0;
    let sticky = 0;
    for (const [i, w] of WINDOWS.entries()) {
      for (const [j, tz] of zones.entries()) {
        const g = GRANULARITIES[(i + j) % 3]!;
        const f = filters[(i * 2 + j) % filters.length];
        const want = refActive(fx, { ...w.ref, tz, ...(f ? { keep: f.keep } : {}) }, g);
        const plan = activityPlan({ kind: 'active', granularity: g }, w.plan, tz, f && parsedFilter(f.json));
        const what = `${i} ${tz} ${g} ${JSON.stringify(f?.json)}`;
        for (const [db, o] of [[merged, MERGED], [merged, RUNS], [plain, PLAIN]] as const) expect((await runActivity(db, plan, o)).rows, what).toEqual(want);
        fresh += want.reduce((s, r) => s + r.new, 0);
        sticky += want.filter((r) => r.stickiness !== undefined && r.stickiness !== null && r.stickiness < 100).length;
      }
    }
    expect(fresh).toBeGreaterThan(20);
    expect(sticky).toBeGreaterThan(20);
  });

  it('answers a zone other than UTC from UTC\'s days over a week or more (the cut UTC days from the runs), as the reference', async () => {
    const zoned = (start: number, end: number, tz: string, f?: ReturnType<typeof parsedFilter>) =>
      activityPlan({ kind: 'active', granularity: 'day' }, { start: sqlTime(start), end: sqlTime(end) }, tz, f);
    const t0 = Date.parse('2024-10-25T00:00:00Z');
    const { sql } = compileActivityPlan(zoned(t0, t0 + 14 * 86_400_000, 'Europe/London'), MERGED);
    expect(sql).toMatch(/FROM "activity_day" t WHERE t\."clock" = 0 AND/);
    expect(sql).toMatch(/zl AS \(\n  SELECT k\.l, min\(CASE WHEN g\.a \+ g\.o <= k\.l \* 86400000000/);
    // A week or less, or a zone whose dates go back or skip (Samoa's 2011): from the runs.
    expect(compileActivityPlan(zoned(t0, t0 + 6 * 86_400_000, 'Europe/London'), MERGED).sql).not.toMatch(/activity_day/);
    expect(compileActivityPlan(zoned(Date.parse('2011-12-20T00:00:00Z'), Date.parse('2012-01-05T00:00:00Z'), 'Pacific/Apia'), MERGED).sql).not.toMatch(/activity_day/);
    // Windows around the fixture's DST changes, starting and ending at many hours and minutes
    // (UTC days cut at both ends) and on UTC midnights, in zones that repeat and skip hours
    // and midnights, at +05:30 and +12:45; filtered or not; days, weeks and months.
    const filters = [undefined, ...filterCases(fx)];
    let active = 0;
    for (let i = 0; i < 42; i++) {
      const { start, end, tz } = zonedWindow(i);
      const g = GRANULARITIES[Math.floor(i / 3) % 3]!;
      const f = filters[i % filters.length];
      const want = refActive(fx, { start, end, tz, ...(f ? { keep: f.keep } : {}) }, g);
      const plan = activityPlan({ kind: 'active', granularity: g }, { start: sqlTime(start), end: sqlTime(end) }, tz, f && parsedFilter(f.json));
      expect(compileActivityPlan(plan, MERGED).sql.includes('activity_day'), `${i} ${tz}`).toBe(true);
      for (const [db, o] of [[merged, MERGED], [merged, NO_DAY_HOURS], [merged, RUNS]] as const) expect((await runActivity(db, plan, o)).rows, `${i} ${tz} ${g} ${sqlTime(start)} ${sqlTime(end)} ${o === MERGED} ${o === NO_DAY_HOURS}`).toEqual(want);
      active += want.reduce((s, r) => s + r.active, 0);
    }
    expect(active).toBeGreaterThan(300);
  });

  it('reads the days table with members\' zones over a week or more, each day with activity a span', async () => {
    const w = WINDOWS[4]!;
    const named = parsedFilter({ field: 'real_name', op: 'startswith', value: 'Zo' });
    const { sql } = compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'member', named), MERGED);
    expect(sql).toMatch(/CASE WHEN pl > epoch_us\(\$1::TIMESTAMP\) THEN pd END AS dp, 1 AS wt FROM \(SELECT t\."entity_no" AS m, t\."day" AS d/);
    expect(sql).not.toMatch(/activity_gap/);
    expect(compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'member'), RUNS).sql).not.toMatch(/activity_day/);
    // UTC with a filter (its days are arithmetic): from the runs; other zones from UTC's days
    // (the next test), never from the counts.
    expect(compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'UTC', named), MERGED).sql).not.toMatch(/activity_day/);
    expect(compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'Europe/London'), MERGED).sql).not.toMatch(/activity_gap/);
    // Windows whose ends cut the days of many members (the fixture's periods gather around
    // these changes), at many hours of the day, each way.
    const filters = [undefined, ...filterCases(fx)];
    const pairs = [['2024-03-31T01:00:00Z', '2024-04-07T03:00:00Z'], ['2024-10-27T01:00:00Z', '2024-11-03T09:00:00Z'], ['2024-09-08T04:00:00Z', '2024-09-28T14:00:00Z']] as const;
    for (let i = 0; i < 36; i++) {
      const [a, b] = pairs[i % 3]!;
      const start = Date.parse(a) + (Math.floor(i / 3) % 9 - 4) * 5 * 3600_000 + (i % 7) * 60_000;
      const end = Date.parse(b) + ((Math.floor(i / 3) * 7) % 9 - 4) * 5 * 3600_000 + (i % 5) * 60_000;
      const tz = i % 4 === 3 ? 'UTC' : 'member';
      const g = GRANULARITIES[Math.floor(i / 2) % 3]!;
      const f = filters[i % filters.length];
      const want = refActive(fx, { start, end, tz, ...(f ? { keep: f.keep } : {}) }, g);
      const plan = activityPlan({ kind: 'active', granularity: g }, { start: sqlTime(start), end: sqlTime(end) }, tz, f && parsedFilter(f.json));
      const long = end - start >= 7 * 86_400_000;
      expect(compileActivityPlan(plan, MERGED).sql.includes('activity_day')).toBe(long && (tz === 'member' || f === undefined));
      expect(compileActivityPlan(plan, MERGED).sql.includes('activity_gap')).toBe(long && f === undefined);
      for (const [db, o] of [[merged, MERGED], [plain, PLAIN]] as const) expect((await runActivity(db, plan, o)).rows, `${i} ${tz} ${g} ${o === MERGED}`).toEqual(want);
    }
  });

  it('counts the whole days of unfiltered windows from the days-by-previous-day table, on both clocks', async () => {
    // Windows from a week to six weeks long whose starts fall at many hours around the
    // fixture's busy days (the previous days of the days after them are then the cut days
    // of the start, or days just before it), each clock, each granularity.
    const w = WINDOWS[4]!;
    const { sql, params } = compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'UTC'), MERGED);
    expect(sql).toMatch(/FROM "activity_gap" t WHERE t\."clock" = 0 AND t\."day" >= /);
    expect(sql).toMatch(/THEN t\."previous_day" END AS dp, t\."entities" AS wt/);
    expect(params.slice(0, 2)).toEqual([w.plan.start, w.plan.end]);
    expect(compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'member'), MERGED).sql).toMatch(/FROM "activity_gap" t WHERE t\."clock" = 1 AND/);
    const DAYS: typeof MERGED = { intervalTables: new Set([...MERGED.intervalTables!].filter((t) => t !== 'activity_gap')) };
    expect(compileActivityPlan(activityPlan({ kind: 'active', granularity: 'day' }, w.plan, 'member'), DAYS).sql).not.toMatch(/activity_gap/);
    const starts = ['2024-03-31T01:00:00Z', '2024-04-06T20:00:00Z', '2024-10-27T01:00:00Z', '2024-11-03T06:00:00Z', '2024-09-08T04:00:00Z', '2024-03-10T09:00:00Z'];
    let checked = 0;
    for (let i = 0; i < 48; i++) {
      const start = Date.parse(starts[i % starts.length]!) + ((i * 11) % 97 - 48) * 3600_000 + (i % 4) * 15 * 60_000;
      const end = start + (7 + ((i * 5) % 36)) * 86_400_000 + ((i * 7) % 24) * 3600_000 + (i % 3) * 60_000;
      const tz = i % 2 === 0 ? 'member' : 'UTC';
      const g = GRANULARITIES[Math.floor(i / 2) % 3]!;
      const want = refActive(fx, { start, end, tz }, g);
      const plan = activityPlan({ kind: 'active', granularity: g }, { start: sqlTime(start), end: sqlTime(end) }, tz);
      expect(compileActivityPlan(plan, MERGED).sql).toMatch(/activity_gap/);
      expect((await runActivity(merged, plan, MERGED)).rows, `${i} ${tz} ${g} ${sqlTime(start)}`).toEqual(want);
      checked += want.filter((r) => r.active > 0).length;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('puts Santiago\'s member 1 on its local dates: Apr 6 has 25 hours, Sep 8 begins at 01:00', async () => {
    const only = parsedFilter({ field: 'id', op: 'eq', value: fx.members[1]!.id });
    const run = async (start: string, end: string, tz: string) =>
      (await runActivity(merged, activityPlan({ kind: 'active', granularity: 'day' }, { start, end }, tz, only), MERGED)).rows.filter((r) => r['active']).map((r) => r['period']);
    // 2024-04-06 23:00Z is 20:00 (-03), and 06:00Z on the 7th is 02:00 (-04).
    expect(await run('2024-04-01 00:00:00', '2024-04-10 00:00:00', 'member')).toEqual(['2024-04-06', '2024-04-07']);
    // 2024-09-07 23:59Z is 19:59 (-04); the skipped midnight: 04:00Z is 01:00 (-03) on the 8th.
    expect(await run('2024-09-07 00:00:00', '2024-09-10 00:00:00', 'member')).toEqual(['2024-09-07', '2024-09-08']);
  });

  it('serves the reference over HTTP, zero-filled, POST as GET, CSV and Arrow, and its OpenAPI schema', async () => {
    for (const [i, w] of WINDOWS.entries()) {
      const tz = ['UTC', 'member', 'Asia/Kolkata'][i % 3]!;
      const g = GRANULARITIES[i % 3]!;
      const r = await served.get('active', { ...w.ask, tz, compare: g });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ compare: g, tz, range: 'range' in w.ask ? 'month' : null });
      expect(r.body['data']).toEqual(refActive(fx, { ...w.ref, tz }, g));
    }
    // The default: days, UTC, a rolling month.
    const d = await served.get('active', { as_of: '2024-11-20T12:34:00Z' });
    expect((d.body['data'] as unknown[]).length).toBe(31);
    const ask = { ...WINDOWS[0]!.ask, tz: 'member', filters: filterCases(fx)[3]!.json };
    const g = await served.get('active', ask);
    const p = await served.app.inject({ method: 'POST', url: '/api/v1/members/active', payload: ask });
    expect(p.json()).toEqual(g.body);
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/active', g.body);
    const answer = { columns: [['period', 'text'], ['label', 'text'], ['active', 'integer'], ['new', 'integer'], ['wau', 'integer'], ['mau', 'integer'], ['stickiness', 'number']].map(([name, type]) => ({ name, type })), data: g.body['data'] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expectCsvEqualsJson((await served.get('active', { ...ask, format: 'csv' })).raw, answer, 'active CSV');
    await expectArrowEqualsJson((await served.get('active', { ...ask, format: 'arrow' })).bytes, answer, 'active Arrow');
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/active', (await served.get('active', { ...ask, compare: 'month' })).body);
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ compare: 'year' }, '/compare'],
      [{ tz: '' }, '/tz'],
      [{ start: 'March' }, '/start'],
      [{ filters: { field: 'tz', op: 'regex', value: '(' } }, '/filters/value'],
      // More than 50,000 buckets: the days from 0001 to now (the window ends now at the latest).
      [{ start: '0001-01-01', end: '9999-12-31' }, '/compare'],
    ];
    for (const [a, path] of cases) {
      const r = await served.get('active', a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });
});
