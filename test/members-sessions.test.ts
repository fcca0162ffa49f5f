// GET|POST /api/v1/members/sessions (SPEC-members section 4) against the brute-force
// reference (members-activity-reference.ts: runs of consecutive active minutes, read off
// each member's periods minute by minute): the seven length buckets, count, mean (two
// decimals, half up), median and p90 by nearest rank; merged periods (overlapping,
// touching, repeated), empty periods ignored, runs clipped to the window. Both ways of
// reading: the import's merged runs and the plain periods merged in the query; the SQL's
// shape; the endpoint over an imported snapshot (zones do not change lengths), POST, CSV,
// Arrow, the OpenAPI schema, 400s.
import { describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { MERGED, PLAIN, activityPlan, compileActivityPlan, runActivity } from './members-activity-db.ts';
import { refSessions } from './members-activity-reference.ts';
import { WINDOWS, filterCases, parsedFilter } from './members-activity-cases.ts';
import { useActivityRig } from './members-activity-serve.ts';
import type { ServedFixture } from './members-activity-serve.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { answerMatchesSchema } from './market-openapi.ts';
import { duckdb } from '../engine/dialect/duckdb.ts';

let fx: MembersFixture;
let plain: Database;
let merged: Database;
let served: ServedFixture;

useActivityRig((rig) => ({ fx, plain, merged, served } = rig));

const asAnswer = (r: Awaited<ReturnType<typeof runActivity>>) => ({ buckets: r.rows, ...r.parts!['summary']!.rows[0] });

describe('members sessions', () => {
  it('compiles to one statement over the window\'s merged runs (or the periods merged in the query), values bound', () => {
    const w = WINDOWS[0]!;
    const filter = parsedFilter({ field: 'real_name', op: 'eq', value: "O'Brien" });
    const m = compileActivityPlan(activityPlan({ kind: 'sessions' }, w.plan, 'UTC', filter), MERGED);
    expect(m.sql).toMatch(/FROM "activity_run" p WHERE p\."start_time" < \$2::TIMESTAMP AND p\."end_time" > \$1::TIMESTAMP AND p\."member_id" IN \(SELECT x\."id" FROM "member" x WHERE/);
    expect(m.sql).not.toMatch(/"activity_period"|OVER \(PARTITION BY m|O'Brien/);
    expect(m.params).toEqual([w.plan.start, w.plan.end, "O'Brien"]);
    const p = compileActivityPlan(activityPlan({ kind: 'sessions' }, w.plan, 'UTC', filter), PLAIN);
    expect(p.sql).toMatch(/FROM "activity_period" p WHERE p\."start_time" < \$2::TIMESTAMP AND p\."end_time" > \$1::TIMESTAMP AND p\."end_time" > p\."start_time"/);
    expect(p.sql).toMatch(/max\(e\) OVER \(PARTITION BY m ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING\)/);
    expect(p.sql).not.toMatch(/"activity_run"/);
    expect(p.params).toEqual(m.params);
  });

  it('selects the median and p90 without a window on DuckDB, at exactly the nearest rank for every count', async () => {
    const { sql } = compileActivityPlan(activityPlan({ kind: 'sessions' }, WINDOWS[0]!.plan, 'UTC'), MERGED);
    expect(sql).toMatch(/quantile_disc\(len, \[CAST\('0\.50' AS DECIMAL\(3,2\)\), CAST\('0\.90' AS DECIMAL\(3,2\)\)\]\) AS q/);
    expect(sql).not.toMatch(/row_number/);
    // The rank ceil(p / 100 * n) of 1..n is itself: every n to 1,500, and large ones whose
    // p * n is whole (where a binary fraction could round up past it).
    const { rows } = await plain.query(`WITH t AS (SELECT n, i FROM (SELECT unnest(range(1, 1501)) AS n UNION ALL SELECT unnest([1479950, 2999990])) a, LATERAL (SELECT unnest(range(1, n + 1)) AS i))
      SELECT n, q[1] AS m, q[2] AS p FROM (SELECT n, ${duckdb.nearestRanks('i', [50, 90])} AS q FROM t GROUP BY n)`);
    expect(rows).toHaveLength(1502);
    for (const r of rows) {
      const n = Number(r['n']);
      expect([Number(r['m']), Number(r['p'])], `${n}`).toEqual([Math.ceil(n / 2), Math.ceil((n * 9) / 10)]);
    }
  });

  it('answers as the brute-force reference over windows and member filters, both ways', async () => {
    const filters = [undefined, ...filterCases(fx)];
    let long = 0;
    for (const [i, w] of WINDOWS.entries()) {
      for (const f of filters) {
        const want = refSessions(fx, { ...w.ref, tz: 'UTC', ...(f ? { keep: f.keep } : {}) });
        const plan = activityPlan({ kind: 'sessions' }, w.plan, 'UTC', f && parsedFilter(f.json));
        const what = `${i} ${JSON.stringify(f?.json)}`;
        expect(asAnswer(await runActivity(merged, plan, MERGED)), what).toEqual(want);
        expect(asAnswer(await runActivity(plain, plan, PLAIN)), what).toEqual(want);
        long += want.buckets[6]!.count;
      }
    }
    expect(long).toBeGreaterThan(5);
  });

  it('ignores empty periods and merges repeated ones: member 9\'s three copies are one 150-minute run, member 7 has none', async () => {
    const w = { start: '2024-04-01 00:00:00', end: '2024-04-05 00:00:00' };
    const only = (i: number) => parsedFilter({ field: 'id', op: 'eq', value: fx.members[i]!.id });
    const nine = asAnswer(await runActivity(merged, activityPlan({ kind: 'sessions' }, w, 'UTC', only(9)), MERGED));
    expect(nine).toMatchObject({ count: 1, mean: 9000, median: 9000, p90: 9000 });
    expect(nine.buckets.map((b) => b.count)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    const seven = asAnswer(await runActivity(plain, activityPlan({ kind: 'sessions' }, w, 'UTC', only(7)), PLAIN));
    expect(seven).toMatchObject({ count: 0, mean: null, median: null, p90: null });
  });

  it('serves the reference over HTTP, whatever tz, POST as GET, CSV and Arrow, and its OpenAPI schema', async () => {
    for (const w of WINDOWS.slice(0, 3)) {
      const want = refSessions(fx, { ...w.ref, tz: 'UTC' });
      for (const tz of ['UTC', 'Asia/Kolkata', 'member']) {
        const r = await served.get('sessions', { ...w.ask, tz });
        expect(r.status).toBe(200);
        const { window: _w, range: _r, ...rest } = r.body;
        expect(rest).toEqual(want);
      }
    }
    const ask = { ...WINDOWS[0]!.ask, filters: filterCases(fx)[0]!.json };
    const g = await served.get('sessions', ask);
    const p = await served.app.inject({ method: 'POST', url: '/api/v1/members/sessions', payload: ask });
    expect(p.json()).toEqual(g.body);
    await answerMatchesSchema(served.app, 'get', '/api/v1/members/sessions', g.body);
    const answer = { columns: [['label', 'text'], ['min_seconds', 'integer'], ['max_seconds', 'integer'], ['count', 'integer']].map(([name, type]) => ({ name, type })), data: g.body['buckets'] } as unknown as Parameters<typeof expectCsvEqualsJson>[1];
    expectCsvEqualsJson((await served.get('sessions', { ...ask, format: 'csv' })).raw, answer, 'sessions CSV');
    await expectArrowEqualsJson((await served.get('sessions', { ...ask, format: 'arrow' })).bytes, answer, 'sessions Arrow');
  });

  it('refuses bad parameters with 400 and a pointer', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ range: 'decade' }, '/range'],
      [{ start: '2024-05-01', end: '2024-04-01' }, '/end'],
      [{ filters: { field: 'start_time', op: 'gte', value: '2024-01-01' } }, '/filters/field'],
      [{ filters: { field: 'activity_periods__duration', op: 'gte', value: 'long' } }, '/filters/value'],
    ];
    for (const [a, path] of cases) {
      const r = await served.get('sessions', a);
      expect(r.status, JSON.stringify(a)).toBe(400);
      expect((r.body['details'] as { path: string }[])[0]!.path, JSON.stringify(a)).toBe(path);
    }
  });
});
