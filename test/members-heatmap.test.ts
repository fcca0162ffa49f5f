// GET|POST /api/v1/members/heatmap (SPEC-members section 4) against the brute-force
// reference (every active minute of every member put in the weekday and hour its zone's
// clock shows, by Intl): member_seconds and distinct members per cell, 168 cells. Over
// windows around DST changes (the repeated hour gets both hours' seconds, the skipped one
// none), zones with half- and three-quarter-hour offsets, each member's own zone (the
// endpoint's default) and member filters; both ways of reading (merged runs and zone
// offsets from the import, or merged and computed in the query); the SQL's shape; HTTP,
// POST, CSV, Arrow, the OpenAPI schema, 400s.
import { describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { MERGED, PLAIN, RUNS, activityPlan, compileActivityPlan, runActivity } from './members-activity-db.ts';
import { refHeatmap } from './members-activity-reference.ts';
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

// Without the sums per day: every whole day from the hours table's rows.
const NO_TOTALS = { intervalTables: new Set([...MERGED.intervalTables!].filter((t) => t !== 'activity_hour_total')) };

describe('members heatmap', () => {
  it('compiles to one statement: the zone\'s offsets as segments (no zone library call per run), values bound', () => {
    const w = WINDOWS[0]!;
    const own = compileActivityPlan(activityPlan({ kind: 'heatmap' }, w.plan, 'member'), MERGED);
    expect(own.sql).toMatch(/FROM "activity_run" p WHERE/);
    expect(own.sql).toMatch(/FROM "zone_offset"/);
    expect(own.sql).toMatch(/JOIN segs g ON g\.z = sp\.z AND g\.a < sp\.e AND g\.b > sp\.s/);
    expect(own.sql).not.toMatch(/timezone\(/);
    expect(own.params).toEqual([w.plan.start, w.plan.end]);
    const fixed = compileActivityPlan(activityPlan({ kind: 'heatmap' }, w.plan, 'Asia/Kolkata'), MERGED);
    // One zone's offsets, from the zone library per day of the window, not from the table.
    expect(fixed.sql).not.toMatch(/"zone_offset"/);
    expect(fixed.params).toEqual([w.plan.start, w.plan.end, 'Asia/Kolkata']);
    const utc = compileActivityPlan(activityPlan({ kind: 'heatmap' }, w.plan, 'UTC'), PLAIN);
    expect(utc.sql).not.toMatch(/segs|timezone\(/);
  });

  it('answers as the brute-force reference over windows, zones and filters, both ways', async () => {
    const filters = [undefined, ...filterCases(fx)];
    const zones = ['UTC', 'member', ...FIXED_ZONES];
    let n = 0;
    for (const [i, w] of WINDOWS.entries()) {
      for (const [j, tz] of zones.entries()) {
        const f = filters[(i + j) % filters.length];
        const want = refHeatmap(fx, { ...w.ref, tz, ...(f ? { keep: f.keep } : {}) });
        const plan = activityPlan({ kind: 'heatmap' }, w.plan, tz, f && parsedFilter(f.json));
        const what = `${i} ${tz} ${JSON.stringify(f?.json)}`;
        expect((await runActivity(merged, plan, MERGED)).rows, what).toEqual(want);
        expect((await runActivity(plain, plan, PLAIN)).rows, what).toEqual(want);
        n += want.filter((c) => c.members > 0).length;
      }
    }
    expect(n).toBeGreaterThan(1000);
    // Windows on UTC midnights (no UTC day cut; the members' clocks still cut theirs), and
    // the cut days' hours per member and end of the window.
    for (const [a, b] of [['2024-03-30', '2024-04-08'], ['2024-10-26', '2024-11-04']])
      for (const tz of ['UTC', 'member', 'Europe/London']) {
        const [start, end] = [Date.parse(`${a}T00:00:00Z`), Date.parse(`${b}T00:00:00Z`)];
        const p = activityPlan({ kind: 'heatmap' }, { start: sqlTime(start), end: sqlTime(end) }, tz);
        expect(compileActivityPlan(p, MERGED).sql).toMatch(/FROM cut GROUP BY m, d < /);
        for (const o of [MERGED, NO_TOTALS]) expect((await runActivity(merged, p, o)).rows, `${a} ${tz}`).toEqual(refHeatmap(fx, { start, end, tz }));
      }
  });

  it('reads the hours table in UTC, members\' zones and zones on whole hours over a week or more without a filter; else the plan before', async () => {
    const w = WINDOWS[2]!;
    const plan = (tz: string, f?: ReturnType<typeof parsedFilter>) => activityPlan({ kind: 'heatmap' }, w.plan, tz, f);
    for (const tz of ['UTC', 'member', 'Europe/London']) {
      // The days every member's activity holds whole: the sums over the members per day.
      expect(compileActivityPlan(plan(tz), MERGED).sql, tz).toMatch(/FROM "activity_hour_total" t\s+WHERE t\."clock" = [01] AND t\."day" >= /);
      expect(compileActivityPlan(plan(tz), NO_TOTALS).sql, tz).not.toMatch(/activity_hour_total/);
    }
    for (const tz of ['UTC', 'member']) {
      expect(compileActivityPlan(plan(tz), MERGED).sql, tz).toMatch(/FROM "activity_hour" t/);
      // A snapshot without the table (ClickHouse's, older ones) compiles the plan it did before.
      const without = { intervalTables: new Set([...MERGED.intervalTables!].filter((t) => t !== 'activity_hour')) };
      expect(compileActivityPlan(plan(tz), without), tz).toEqual(compileActivityPlan(plan(tz), RUNS));
      expect(compileActivityPlan(plan(tz), RUNS).sql).not.toMatch(/activity_hour/);
    }
    // A zone whose offsets are whole hours (changing at whole hours) reads UTC's clock, moved.
    expect(compileActivityPlan(plan('Europe/London'), MERGED).sql).toMatch(/FROM "activity_hour" t/);
    for (const tz of ['Asia/Kolkata', 'Pacific/Chatham']) expect(compileActivityPlan(plan(tz), MERGED).sql, tz).not.toMatch(/activity_hour/);
    expect(compileActivityPlan(plan('member', parsedFilter(filterCases(fx)[0]!.json)), MERGED).sql).not.toMatch(/activity_hour/);
    expect(compileActivityPlan(activityPlan({ kind: 'heatmap' }, WINDOWS[3]!.plan, 'member'), MERGED).sql).not.toMatch(/activity_hour/);
    // Windows whose ends cut the days of many members (the fixture's periods gather around
    // these changes), at many hours and minutes of the day, three ways.
    const pairs = [['2024-03-31T01:00:00Z', '2024-04-07T03:00:00Z'], ['2024-10-27T01:00:00Z', '2024-11-03T09:00:00Z'], ['2024-09-08T04:00:00Z', '2024-09-28T14:00:00Z'], ['2024-04-06T20:00:00Z', '2024-04-13T23:00:00Z']] as const;
    let n = 0;
    for (let i = 0; i < 40; i++) {
      const [a, b] = pairs[i % 4]!;
      const start = Date.parse(a) + ((Math.floor(i / 4) % 9) - 4) * 5 * 3600_000 + (i % 7) * 60_000;
      const end = Date.parse(b) + (((Math.floor(i / 4) * 7) % 9) - 4) * 5 * 3600_000 + (i % 5) * 60_000;
      const tz = ['member', 'UTC', 'Europe/London', 'member', 'America/Santiago', 'America/Havana', 'US/Pacific', 'Pacific/Chatham'][i % 8]!;
      const want = refHeatmap(fx, { start, end, tz });
      const p = activityPlan({ kind: 'heatmap' }, { start: sqlTime(start), end: sqlTime(end) }, tz);
      expect(compileActivityPlan(p, MERGED).sql.includes('activity_hour'), `${i}`).toBe(end - start >= 7 * 86_400_000 && tz !== 'Pacific/Chatham');
      for (const [db, o] of [[merged, MERGED], [merged, NO_TOTALS], [merged, RUNS], [plain, PLAIN]] as const) expect((await runActivity(db, p, o)).rows, `${i} ${tz} ${o === MERGED} ${o === NO_TOTALS}`).toEqual(want);
      n += want.filter((c) => c.members > 0).length;
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('gives London\'s repeated 01:00 both hours and its skipped 01:00 none (member 0)', async () => {
    const london = parsedFilter({ field: 'id', op: 'eq', value: fx.members[0]!.id });
    const cell = async (start: string, end: string, weekday: number, hour: number) => {
      const r = await runActivity(merged, activityPlan({ kind: 'heatmap' }, { start, end }, 'member', london), MERGED);
      return r.rows.find((c) => c['weekday'] === weekday && c['hour'] === hour);
    };
    // Member 0, Sun 27 Oct 2024, 23:00Z Sat -> 02:30Z: 01:00-02:00 BST and 01:00-02:00 GMT.
    expect(await cell('2024-10-26 23:00:00', '2024-10-27 02:30:00', 7, 1)).toEqual({ weekday: 7, hour: 1, member_seconds: 7200, members: 1 });
    // Sun 31 Mar 2024: no 01:00 on London's clock.
    expect(await cell('2024-03-30 22:00:00', '2024-03-31 06:00:00', 7, 1)).toEqual({ weekday: 7, hour: 1, member_seconds: 0, members: 0 });
  });

  it('serves the reference over HTTP (tz=member by default), POST as GET, CSV and Arrow, and its OpenAPI schema', async () => {
    const f = filterCases(fx)[1]!;
    for (const [i, w] of WINDOWS.entries()) {
      const tz = ['member', 'Pacific/Chatham', 'UTC'][i % 3]!;
      const r = await served.get('heatmap', { ...w.ask, ...(tz === 'member' ? {} : { tz }), filters: f.json });
      expect(r.status).toBe(200);
      expect(r.body['tz']).toBe(tz);
      expect(r.body['data']).toEqual(refHeatmap(fx, { ...w.ref, tz, keep: f.keep }));
    }
    const ask = { ...WINDOWS[1]!.ask, tz: 'America/Havana' };
    const g = await served.get('heatmap', ask);
    const p = await served.app.inject({ method: 'POST', url: '/api/v1/members/heatmap', payload: ask });
    expect(p.json()).toEqual(g.body);
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/heatmap', g.body);
    const answer = { columns: [['weekday', 'integer'], ['hour', 'integer'], ['member_seconds', 'number'], ['members', 'integer']].map(([name, type]) => ({ name, type })), data: g.body['data'] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expectCsvEqualsJson((await served.get('heatmap', { ...ask, format: 'csv' })).raw, answer, 'heatmap CSV');
    await expectArrowEqualsJson((await served.get('heatmap', { ...ask, format: 'arrow' })).bytes, answer, 'heatmap Arrow');
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tz: 'Mars/Olympus' }, '/tz'],
      [{ tz: 'members' }, '/tz'],
      [{ as_of: 'yesterday' }, '/as_of'],
      [{ filters: { field: 'activity_periods__nope', op: 'eq', value: 1 } }, '/filters/field'],
    ];
    for (const [a, path] of cases) {
      const r = await served.get('heatmap', a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });
});
