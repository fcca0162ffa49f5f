// GET|POST /api/v1/members/activity-time (SPEC-members section 4) against the brute-force
// reference (active minutes put on the calendar date their zone's clock shows, by Intl): per
// member and local day, active seconds; periods across midnight split between the days,
// days of 23 and 25 hours, Havana's repeated midnight, Chatham's +12:45/+13:45 and Kolkata's
// +5:30 midnights; ordered by date then member id (lowercase text order), paged with count
// and links; both ways of reading; the SQL's shape; HTTP, POST, CSV, Arrow, OpenAPI, 400s.
import { describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { MERGED, NO_DAY_HOURS, PLAIN, RUNS, activityPlan, compileActivityPlan, runActivity } from './members-activity-db.ts';
import { refTime } from './members-activity-reference.ts';
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

const ALL = { kind: 'time', labels: ['real_name'], limit: 100_000, offset: 0 } as const;

describe('members activity-time', () => {
  it('compiles to one statement, paged in SQL, the page\'s names read after paging, values bound', () => {
    const w = WINDOWS[1]!;
    const filter = parsedFilter({ field: 'tz', op: 'eq', value: 'US/Pacific' });
    const { sql, params } = compileActivityPlan(activityPlan({ ...ALL, limit: 10, offset: 20 }, w.plan, 'America/Havana', filter), RUNS);
    expect(sql).toMatch(/ORDER BY d, m LIMIT \$\d+::BIGINT OFFSET \$\d+::BIGINT/);
    // Grouped and sorted by the runs' member numbers (in id order); the page's ids and names after.
    expect(sql).toMatch(/SELECT p\."entity_no" AS m, p\."member_id" AS k/);
    // The key is looked up for the page's members only, not carried through the grouping.
    expect(sql).toMatch(/FROM spans WHERE m IN \(SELECT m FROM page\) GROUP BY m/);
    expect(sql).toMatch(/LEFT JOIN "member" x ON x\."id" = pk\.k/);
    expect(sql).not.toMatch(/any_value\(k\) AS k, /);
    expect(sql).not.toMatch(/US\/Pacific|Havana/);
    expect(params).toEqual([w.plan.start, w.plan.end, 'US/Pacific', 'America/Havana', 10, 20]);
  });

  it('answers as the brute-force reference over windows, zones and filters, both ways', async () => {
    const filters = [undefined, ...filterCases(fx)];
    const zones = ['UTC', 'member', ...FIXED_ZONES];
    let rows = 0;
    for (const [i, w] of WINDOWS.entries()) {
      for (const [j, tz] of zones.entries()) {
        const f = filters[(i * 3 + j) % filters.length];
        const want = refTime(fx, { ...w.ref, tz, ...(f ? { keep: f.keep } : {}) });
        const plan = activityPlan(ALL, w.plan, tz, f && parsedFilter(f.json));
        const what = `${i} ${tz} ${JSON.stringify(f?.json)}`;
        for (const [db, o] of [[merged, MERGED], [merged, RUNS], [plain, PLAIN]] as const) {
          const r = await runActivity(db, plan, o);
          expect(r.rows, what).toEqual(want);
          expect(r.total, what).toBe(want.length);
        }
        rows += want.length;
      }
    }
    expect(rows).toBeGreaterThan(500);
  });

  it('reads the days table in UTC and members\' zones over a week or more, the cut days from the runs near the ends', async () => {
    const w = WINDOWS[4]!;
    for (const tz of ['UTC', 'member']) {
      const { sql } = compileActivityPlan(activityPlan(ALL, w.plan, tz), MERGED);
      expect(sql, tz).toMatch(/FROM "activity_day" t WHERE t\."clock" = /);
      expect(sql, tz).toMatch(tz === 'UTC' ? /< \(\(\(epoch_us\(\$1::TIMESTAMP\) \+ 86400000000 - 1 - / : /< \(epoch_us\(\$1::TIMESTAMP\) \+ 172800000000\) OR/);
      expect(compileActivityPlan(activityPlan(ALL, w.plan, tz), RUNS).sql, tz).not.toMatch(/activity_day/);
    }
    // Another zone: from UTC's days (the next test); a window of less than a week: from the runs.
    expect(compileActivityPlan(activityPlan(ALL, w.plan, 'Asia/Kolkata'), MERGED).sql).toMatch(/FROM "activity_day" t WHERE t\."clock" = 0/);
    expect(compileActivityPlan(activityPlan(ALL, WINDOWS[3]!.plan, 'UTC'), MERGED).sql).not.toMatch(/activity_day/);
    expect(compileActivityPlan(activityPlan(ALL, WINDOWS[3]!.plan, 'Asia/Kolkata'), MERGED).sql).not.toMatch(/activity_day/);
    // Windows whose ends cut the days of many members (the fixture's periods gather around
    // these changes), at many hours of the day, each way.
    const filters = [undefined, ...filterCases(fx)];
    const pairs = [['2024-03-31T01:00:00Z', '2024-04-07T03:00:00Z'], ['2024-10-27T01:00:00Z', '2024-11-03T09:00:00Z'], ['2024-09-08T04:00:00Z', '2024-09-28T14:00:00Z']] as const;
    for (let i = 0; i < 54; i++) {
      const [a, b] = pairs[i % 3]!;
      const start = Date.parse(a) + (Math.floor(i / 3) % 9 - 4) * 5 * 3600_000 + (i % 7) * 60_000;
      const end = Date.parse(b) + ((Math.floor(i / 3) * 7) % 9 - 4) * 5 * 3600_000 + (i % 5) * 60_000;
      const tz = Math.floor(i / 27) === 0 ? 'member' : 'UTC';
      const f = filters[i % filters.length];
      const want = refTime(fx, { start, end, tz, ...(f ? { keep: f.keep } : {}) });
      const plan = activityPlan(ALL, { start: sqlTime(start), end: sqlTime(end) }, tz, f && parsedFilter(f.json));
      expect(compileActivityPlan(plan, MERGED).sql.includes('activity_day')).toBe(end - start >= 7 * 86_400_000);
      for (const [db, o] of [[merged, MERGED], [plain, PLAIN]] as const) expect((await runActivity(db, plan, o)).rows, `${i} ${tz} ${o === MERGED}`).toEqual(want);
    }
  });

  it('pages a zone other than UTC from UTC\'s days: the count from spans of local days, the days up to the page\'s last from the runs', async () => {
    const t0 = Date.parse('2024-10-25T00:00:00Z');
    const { sql } = compileActivityPlan(activityPlan({ ...ALL, limit: 10, offset: 20 }, { start: sqlTime(t0), end: sqlTime(t0 + 14 * 86_400_000) }, 'Europe/London'), MERGED);
    expect(sql).toMatch(/SELECT \(SELECT CAST\(coalesce\(sum\(\(b - a \+ 1\) \* wt\), 0\) AS BIGINT\) FROM cnt\) AS total/);
    expect(sql).toMatch(/FROM pp WHERE lo < \(\(SELECT i FROM lastday\) \+ 1\) \* 86400000000/);
    expect(sql).toMatch(/FROM spans sp JOIN segs g ON g\.a < sp\.e AND g\.b > sp\.s WHERE sp\.s < \(\(SELECT i FROM lastday\) \+ 2\) \* 86400000000/);
    expect(sql).toMatch(/^WITH spans AS NOT MATERIALIZED \(/);
    expect(sql).not.toMatch(/count\(\*\) FROM per/);
    // London's offsets are whole hours: the stored days after the first counted by hour.
    expect(sql).toMatch(/FROM "activity_day_hour" t CROSS JOIN zv v WHERE t\."day" >= /);
    expect(sql).toMatch(/zh AS \(\n  SELECT CASE WHEN EXISTS/);
    for (const [tz, f] of [['Asia/Kolkata', undefined], ['Europe/London', parsedFilter({ field: 'tz', op: 'eq', value: 'UTC' })]] as const)
      expect(compileActivityPlan(activityPlan({ ...ALL, limit: 10, offset: 20 }, { start: sqlTime(t0), end: sqlTime(t0 + 14 * 86_400_000) }, tz, f), MERGED).sql, tz).not.toMatch(/activity_day_hour/);
    // Windows around the fixture's DST changes, cut at many hours and minutes and on UTC
    // midnights, in zones that repeat and skip hours and midnights, at +05:30 and +12:45,
    // filtered or not; pages from the first to past the last row.
    const filters = [undefined, ...filterCases(fx)];
    let rows = 0;
    for (let i = 0; i < 42; i++) {
      const { start, end, tz } = zonedWindow(i);
      const f = filters[i % filters.length];
      const all = refTime(fx, { start, end, tz, ...(f ? { keep: f.keep } : {}) });
      const [limit, offset] = [[1, 5, 25, 100_000][i % 4]!, [0, 3, 17, 40, 200][i % 5]!];
      const plan = activityPlan({ ...ALL, limit, offset }, { start: sqlTime(start), end: sqlTime(end) }, tz, f && parsedFilter(f.json));
      expect(compileActivityPlan(plan, MERGED).sql.includes('activity_day'), `${i} ${tz}`).toBe(true);
      for (const o of [MERGED, NO_DAY_HOURS, RUNS]) {
        const r = await runActivity(merged, plan, o);
        expect(r.rows, `${i} ${tz} ${limit} ${offset} ${sqlTime(start)} ${sqlTime(end)} ${o === MERGED} ${o === NO_DAY_HOURS}`).toEqual(all.slice(offset, offset + limit));
        expect(r.total, `${i} ${tz}`).toBe(all.length);
      }
      rows += all.length;
    }
    expect(rows).toBeGreaterThan(500);
  });

  it('splits at each zone\'s midnight: Kolkata\'s member 3 from 18:00Z to 20:00Z next day', async () => {
    const only = parsedFilter({ field: 'id', op: 'eq', value: fx.members[3]!.id });
    const w = { start: '2024-03-25 00:00:00', end: '2024-04-12 00:00:00' };
    const days = async (tz: string) => (await runActivity(merged, activityPlan(ALL, w, tz, only), MERGED)).rows.map((r) => [r['date'], r['seconds']]);
    // 00:00 IST is 18:30Z: 30 minutes on Mar 31, 24 h on Apr 1, 1:30 on Apr 2.
    expect(await days('member')).toEqual([['2024-03-31', 1800], ['2024-04-01', 86400], ['2024-04-02', 5400]]);
    expect(await days('UTC')).toEqual([['2024-03-31', 21600], ['2024-04-01', 72000]]);
  });

  it('serves the reference over HTTP, paged with links, POST as GET, CSV and Arrow, and its OpenAPI schema', async () => {
    const w = WINDOWS[0]!;
    const want = refTime(fx, { ...w.ref, tz: 'Pacific/Chatham' }).map(({ entity, ...r }) => ({ member_id: entity, ...r }));
    const first = await served.get('activity-time', { ...w.ask, tz: 'Pacific/Chatham', limit: 7 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ tz: 'Pacific/Chatham', range: null, count: want.length, limit: 7, offset: 0, previous: null });
    expect(first.body['data']).toEqual(want.slice(0, 7));
    const next = await served.app.inject({ method: 'GET', url: first.body['next'] as string });
    expect(next.json().data).toEqual(want.slice(7, 14));
    // as_of given: the page links pin it, to the second, when none is (GET and POST a second
    // apart differed, once, in CI).
    const ask = { ...w.ask, tz: 'member', offset: 3, limit: 50, filters: filterCases(fx)[0]!.json, as_of: '2024-04-12T00:00:00Z' };
    const g = await served.get('activity-time', ask);
    const ref = refTime(fx, { ...w.ref, tz: 'member', keep: filterCases(fx)[0]!.keep }).map(({ entity, ...r }) => ({ member_id: entity, ...r }));
    expect(g.body['data']).toEqual(ref.slice(3, 53));
    const p = await served.app.inject({ method: 'POST', url: '/api/v1/members/activity-time', payload: ask });
    expect(p.json()).toEqual(g.body);
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/activity-time', g.body);
    const answer = { columns: [['member_id', 'text'], ['real_name', 'text'], ['date', 'text'], ['seconds', 'number']].map(([name, type]) => ({ name, type })), data: g.body['data'] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expectCsvEqualsJson((await served.get('activity-time', { ...ask, format: 'csv' })).raw, answer, 'activity-time CSV');
    await expectArrowEqualsJson((await served.get('activity-time', { ...ask, format: 'arrow' })).bytes, answer, 'activity-time Arrow');
  });

  it('answers a page past the end with no rows and the count', async () => {
    const r = await served.get('activity-time', { ...WINDOWS[0]!.ask, offset: 100_000 });
    expect(r.status).toBe(200);
    expect(r.body['data']).toEqual([]);
    expect(r.body['count']).toBe(refTime(fx, { ...WINDOWS[0]!.ref, tz: 'UTC' }).length);
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ limit: 0 }, '/limit'],
      [{ limit: 1001 }, '/limit'],
      [{ offset: -1 }, '/offset'],
      [{ tz: 'Europe/Nowhere' }, '/tz'],
    ];
    for (const [a, path] of cases) {
      const r = await served.get('activity-time', a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });
});
