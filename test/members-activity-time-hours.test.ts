// Activity-time in fixed zones on whole hours from the UTC days counted by hour
// (activity_day_hour, MERGED) against the days table alone (NO_DAY_HOURS), the plain plan and
// the brute-force reference: random windows of 7 to 60 days starting at odd minutes and on,
// just after and just before UTC midnights, in London, Santiago, Havana, US/Pacific, Tokyo
// and Troll (a 2-hour change), pages from the first row on; on the shared fixture and on a
// dense one (30 members active on runs of days with gaps of 0 to 4 days, periods at every
// hour and across midnights, around each change). Written by a review (helper-63).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { membersFixture, sqlTime } from './members-activity-fixture.ts';
import type { MembersFixture, FxMember, FxPeriod } from './members-activity-fixture.ts';
import { MERGED, NO_DAY_HOURS, PLAIN, activityPlan, compileActivityPlan, membersDatabase, runActivity } from './members-activity-db.ts';
import { refTime } from './members-activity-reference.ts';
import { rng } from './helpers.ts';

const ALL = { kind: 'time', labels: ['real_name'], limit: 100_000, offset: 0 } as const;
const ZONES = ['Europe/London', 'America/Santiago', 'America/Havana', 'US/Pacific', 'Asia/Tokyo', 'Antarctica/Troll'];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Dense activity: members active on runs of days with gaps of 0-4 days, runs starting and
 *  ending near every hour (UTC midnights and the zones' midnights), around the changes. */
function denseFixture(seed: number): MembersFixture {
  const r = rng(seed);
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const members: FxMember[] = [];
  const periods: FxPeriod[] = [];
  for (let i = 0; i < 30; i++) members.push({ id: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`, real_name: `m${i}`, tz: 'UTC' });
  const anchors = ['2024-03-10T00:00:00Z', '2024-03-31T00:00:00Z', '2024-04-07T00:00:00Z', '2024-09-08T00:00:00Z', '2024-10-27T00:00:00Z', '2024-11-03T00:00:00Z'].map((s) => Date.parse(s));
  for (const m of members) {
    for (const a of anchors) {
      let day = a - 20 * DAY + Math.floor(r() * 5) * DAY;
      while (day < a + 20 * DAY) {
        // One to three periods a day, at any hour, some across UTC midnight.
        const k = 1 + Math.floor(r() * 3);
        for (let j = 0; j < k; j++) {
          const start = day + Math.floor(r() * 24) * HOUR + [0, 0, 1, 59, 30][Math.floor(r() * 5)]! * MIN - (r() < 0.2 ? HOUR : 0);
          const len = [1, 5, 59, 60, 61, 180, 600, 1500][Math.floor(r() * 8)]! * MIN;
          periods.push({ id: periods.length + 1, member_id: m.id, start, end: start + len });
        }
        day += [1, 1, 2, 2, 3, 4, 5][Math.floor(r() * 7)]! * DAY;
      }
    }
  }
  return { members, periods };
}

function windows(seed: number, n: number): { start: number; end: number; tz: string }[] {
  const r = rng(seed);
  const lo = Date.parse('2024-02-25T00:00:00Z');
  const hi = Date.parse('2024-11-10T00:00:00Z');
  const out: { start: number; end: number; tz: string }[] = [];
  for (let i = 0; i < n; i++) {
    const len = (7 + Math.floor(r() * 54)) * DAY + (i % 3 === 0 ? 0 : Math.floor(r() * 1440) * MIN);
    let start = lo + Math.floor(r() * ((hi - lo) / MIN)) * MIN;
    if (i % 7 === 0) start = Math.floor(start / DAY) * DAY; // on a UTC midnight
    else if (i % 7 === 1) start = Math.floor(start / DAY) * DAY + 1 * MIN; // a minute after one
    else if (i % 7 === 2) start = Math.floor(start / DAY) * DAY + DAY - MIN; // a minute before one
    out.push({ start, end: start + len, tz: ZONES[i % ZONES.length]! });
  }
  return out;
}

for (const [name, make] of [['fixture', () => membersFixture()], ['dense', () => denseFixture(5)]] as const) {
  describe(`activity-time from the days counted by hour: ${name}`, () => {
    let fx: MembersFixture;
    let plain: Database;
    let merged: Database;
    beforeAll(async () => {
      fx = make();
      [plain, merged] = await Promise.all([membersDatabase(fx, false), membersDatabase(fx, true)]);
    }, 120_000);
    afterAll(() => {
      plain?.close();
      merged?.close();
    });

    it('reads the day-hours table where it should', () => {
      const p = activityPlan(ALL, { start: '2024-03-20 00:07:00', end: '2024-04-20 00:00:00' }, 'Antarctica/Troll');
      expect(compileActivityPlan(p, MERGED).sql).toMatch(/activity_day_hour/);
    });

    it('answers as NO_DAY_HOURS, PLAIN and the reference', async () => {
      const ws = windows(name === 'fixture' ? 11 : 23, name === 'fixture' ? 120 : 60);
      let rows = 0;
      let withTable = 0;
      for (const [i, w] of ws.entries()) {
        const all = refTime(fx, { start: w.start, end: w.end, tz: w.tz });
        const page = i % 4 === 0 ? { limit: 100_000, offset: 0 } : { limit: [1, 7, 30][i % 3]!, offset: [0, 5, 50, 120][i % 4]! };
        const plan = activityPlan({ ...ALL, ...page }, { start: sqlTime(w.start), end: sqlTime(w.end) }, w.tz);
        if (compileActivityPlan(plan, MERGED).sql.includes('activity_day_hour')) withTable++;
        const what = `${i} ${w.tz} ${sqlTime(w.start)} ${sqlTime(w.end)} ${page.limit}/${page.offset}`;
        for (const [db, o, label] of [[merged, MERGED, 'MERGED'], [merged, NO_DAY_HOURS, 'NO_DAY_HOURS'], [plain, PLAIN, 'PLAIN']] as const) {
          const r = await runActivity(db, plan, o);
          expect(r.total, `${what} ${label} total`).toBe(all.length);
          expect(r.rows, `${what} ${label}`).toEqual(all.slice(page.offset, page.offset + page.limit));
        }
        rows += all.length;
      }
      expect(withTable).toBeGreaterThan(ws.length / 2);
      expect(rows).toBeGreaterThan(ws.length);
    }, 600_000);
  });
}
