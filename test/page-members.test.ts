// The members dashboard in a real browser over a real generated members snapshot (2,000
// members, ending at END): every panel shows the API's answer to its own request, value for
// value, with no console error; `tz=member` reaches the activity endpoints (and the list,
// which takes IANA zones only, is asked without it); a filter built in the builder on a
// one-to-many path gives the API's numbers for that filter; the per-week choice draws what
// the answer holds. The "not available" view is page-dashboards.test.ts's (no members there).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiAnswer, expectPanelsShowTheApi, rowsOf } from './page-answers.ts';
import type { Json } from './page-answers.ts';
import { openPage, OUTPUT, panelsSettled, panelStates, panelTable } from './page-browser.ts';
import { AS_OF } from './page-server.ts';
import { usePageRig } from './page-rig.ts';

const MEMBERS = 2_000;
const PANELS = ['active', 'concurrency', 'sessions', 'heatmap', 'members'];
const ACTIVITY = ['/api/v1/members/active', '/api/v1/members/concurrency', '/api/v1/members/sessions', '/api/v1/members/heatmap'];

const rig = usePageRig('page-members-', { views: 2_000, orders: 300, members: MEMBERS });

const api = (url: string): Promise<Json> => apiAnswer(rig.server.base, url);

/** The rows each panel should show for its request: the answer's own, and for the members
 *  list each member's figures, counted here from the periods the answer lists. */
async function expected(id: string, url: string): Promise<Json[]> {
  const body = await api(url);
  if (id !== 'members') return rowsOf(body);
  return (body['members'] as Json[]).map((m) => {
    const periods = m['activity_periods'] as { end_time: string; duration: number }[];
    let seconds = 0;
    for (const p of periods) seconds += p.duration;
    return { real_name: m['real_name'], tz: m['tz'], periods: periods.length, seconds, last_end: periods.at(-1)?.end_time ?? null, id: m['id'] };
  });
}

const urlOf = async (page: Page, id: string): Promise<string> => (await panelStates(page)).find((s) => s.id === id)!.url;
const note = async (page: Page, id: string): Promise<string> => (await page.locator(`.panel[data-panel="${id}"] .note`).first().textContent()) ?? '';
const legend = (page: Page, id: string): Promise<string[]> => page.locator(`.panel[data-panel="${id}"] .u-legend .u-series .u-label`).allTextContents();

describe('the members dashboard', () => {
  it('draws active members with WAU/MAU, concurrency, session lengths, the heatmap and the members from the API, each member on their own clock', async () => {
    const { page, errors, requests } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=members&as_of=${AS_OF}&tz=member`);
      await panelsSettled(page);
      await page.screenshot({ path: join(OUTPUT, 'page-members.png'), fullPage: true });
      await expectPanelsShowTheApi(page, PANELS, expected);

      // tz=member went to every activity endpoint; the list takes IANA zones only.
      for (const path of ACTIVITY) {
        const asked = requests.filter((r) => r.startsWith(`${path}?`));
        expect(asked.length, path).toBe(1);
        expect(new URL(asked[0]!, 'http://x').searchParams.get('tz'), path).toBe('member');
      }
      const list = requests.filter((r) => r.startsWith('/api/v1/members?'));
      expect(list.length).toBe(1);
      expect(new URL(list[0]!, 'http://x').searchParams.get('tz')).toBeNull();

      const active = await api(await urlOf(page, 'active'));
      expect(active['tz']).toBe('member');
      expect(rowsOf(active).some((r) => (r['mau'] as number) > 0)).toBe(true);
      expect(await legend(page, 'active')).toEqual(['period', 'active', 'new', 'WAU', 'MAU', 'stickiness %']);
      expect(await note(page, 'active')).toContain("on each member's own clock");

      // The window's peak (top level of the answer) is said under the chart.
      const concurrency = await api(await urlOf(page, 'concurrency'));
      const peak = concurrency['peak'] as { members: number; at: string };
      expect(peak.members).toBeGreaterThan(0);
      expect(peak.members).toBe(Math.max(...rowsOf(concurrency).map((r) => r['peak'] as number)));
      expect(await note(page, 'concurrency')).toContain(`${peak.members} members at once, first at ${peak.at.replace('T', ' ')}`);

      // Session lengths: seven buckets as bars, their stats in the note.
      const sessions = await api(await urlOf(page, 'sessions'));
      expect((sessions['buckets'] as Json[]).length).toBe(7);
      const sessionNote = await note(page, 'sessions');
      expect(sessionNote).toContain(`${Number(sessions['count']).toLocaleString('en-US')} sessions`);
      expect(sessionNote).toContain(`(${Number(sessions['median']).toLocaleString('en-US')} s)`);

      // 168 cells of the weekday x hour grid, one mark each.
      expect(rowsOf(await api(await urlOf(page, 'heatmap'))).length).toBe(168);
      expect(await page.locator('.panel[data-panel="heatmap"] g[aria-label="cell"] rect').count()).toBe(168);

      const members = await api(await urlOf(page, 'members'));
      expect(members['count']).toBe(MEMBERS);
      expect(await note(page, 'members')).toContain('2,000 members');

      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('a filter built on a one-to-many path (a period longer than an hour) gives the API\'s numbers for it', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=members&as_of=${AS_OF}&range=year`);
      await panelsSettled(page);
      const before = await api(await urlOf(page, 'sessions'));
      const membersBefore = await api(await urlOf(page, 'members'));

      await page.locator('.tree > .group > .group-head .add-condition').click();
      const leaf = page.locator('.leaf').last();
      await leaf.locator('.field').selectOption('activity_periods__duration');
      await leaf.locator('.op').selectOption('gt');
      await leaf.locator('.value').fill('3600');
      const json = JSON.stringify({ operator: 'and', conditions: [{ field: 'activity_periods__duration', op: 'gt', value: 3600 }] });
      expect(await page.locator('.filter-json').textContent()).toBe(json);
      await page.locator('button.apply').click();
      await panelsSettled(page, 'filters=');
      for (const s of await panelStates(page)) expect(new URL(s.url, 'http://x').searchParams.get('filters'), s.id).toBe(json);

      await expectPanelsShowTheApi(page, PANELS, expected);
      // It took effect: fewer members and sessions, and every member listed has such a period.
      const after = await api(await urlOf(page, 'sessions'));
      expect(after['count'] as number).toBeGreaterThan(0);
      expect(after['count'] as number).toBeLessThan(before['count'] as number);
      const membersAfter = await api(await urlOf(page, 'members'));
      expect(membersAfter['count'] as number).toBeGreaterThan(0);
      expect(membersAfter['count'] as number).toBeLessThan(membersBefore['count'] as number);
      for (const m of membersAfter['members'] as Json[]) expect((m['activity_periods'] as { duration: number }[]).some((p) => p.duration > 3600), String(m['id'])).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('per week, and in an IANA zone: the answers the choices ask for, WAU and MAU left out where the answer has none', async () => {
    const { page, errors, requests } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=members&as_of=${AS_OF}&range=year`);
      await panelsSettled(page);
      await page.locator('.panel[data-panel="active"] select[data-choice="compare"]').selectOption('week');
      await panelsSettled(page);
      expect(await urlOf(page, 'active')).toContain('compare=week');
      await page.locator('input[name="tz"]').fill('Asia/Kolkata');
      await page.locator('input[name="tz"]').dispatchEvent('change');
      await panelsSettled(page, 'tz=Asia%2FKolkata');
      await expectPanelsShowTheApi(page, PANELS, expected);
      const weeks = rowsOf(await api(await urlOf(page, 'active')));
      expect(weeks.length).toBeGreaterThan(50);
      expect(weeks.every((w) => /^\d{4}-W\d\d$/.test(String(w['label'])) && w['wau'] === undefined)).toBe(true);
      expect(await legend(page, 'active')).toEqual(['period', 'active', 'new']);
      // The list is asked in the zone too (it reads a date-only start / end in it).
      const list = requests.filter((r) => r.startsWith('/api/v1/members?')).at(-1)!;
      expect(new URL(list, 'http://x').searchParams.get('tz')).toBe('Asia/Kolkata');
      expect((await panelTable(page, 'members')).length).toBe(20);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
