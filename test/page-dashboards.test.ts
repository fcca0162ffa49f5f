// The page in a real browser (Chromium, playwright-core): the blog and marketplace dashboards
// draw every panel from the generated snapshots with no console error, and what they show is
// what the API answers for the same request; on a server without a members snapshot the
// members dashboard says so (page-members.test.ts draws it from one); CSV downloads are the
// API's own CSV; refusals are shown as the API gave them. Screenshots go to test/output/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiAnswer, expectPanelsShowTheApi, rowsOf } from './page-answers.ts';
import type { Json } from './page-answers.ts';
import { openPage, OUTPUT, panelsSettled, panelStates } from './page-browser.ts';
import { AS_OF } from './page-server.ts';
import { usePageRig } from './page-rig.ts';

const rig = usePageRig('page-dash-');

const api = (url: string): Promise<Json> => apiAnswer(rig.server.base, url);
const fromApi = async (_id: string, url: string): Promise<Json[]> => rowsOf(await api(url));

describe('the dashboards', () => {
  it('blog: totals, views by country and by viewer, performance with growth, the top lists, all from the API', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?as_of=${AS_OF}`);
      await panelsSettled(page);
      // As a person first sees it (before the tests open the data tables).
      await page.screenshot({ path: join(OUTPUT, 'page-blog.png'), fullPage: true });
      await expectPanelsShowTheApi(page, ['totals', 'countries', 'viewers', 'performance', 'authors', 'top-countries', 'blogs'], fromApi);
      // The totals count every view of the snapshot (the query endpoint's default: all time).
      expect(await page.locator('.panel[data-panel="totals"] .kpi[data-key="views"]').getAttribute('data-value')).toBe(String(rig.data.views));
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('marketplace: totals, revenue with its running total, top products, categories, ranked customers, cohorts', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=marketplace&as_of=${AS_OF}`);
      await panelsSettled(page);
      // As a person first sees it (before the tests open the data tables).
      await page.screenshot({ path: join(OUTPUT, 'page-marketplace.png'), fullPage: true });
      await expectPanelsShowTheApi(page, ['summary', 'revenue', 'products', 'categories', 'customers', 'cohorts'], fromApi);
      // The cohorts' heatmap has a cell per retention figure inside the window.
      const cohorts = rowsOf(await api((await panelStates(page)).find((s) => s.id === 'cohorts')!.url));
      const figures = cohorts.flatMap((c) => (c['retention'] as (number | null)[]).filter((v) => v !== null));
      expect(await page.locator('.panel[data-panel="cohorts"] g[aria-label="cell"] rect').count()).toBe(figures.length);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('members: "not available", with the reason, on a server without a members snapshot', async () => {
    const { page, errors, requests } = await openPage(rig.browser);
    try {
      const listed = ((await api('/api/v1/datasets'))['datasets'] as Json[]).find((d) => d['name'] === 'members');
      expect(listed?.['available']).toBe(false);
      await page.goto(`${rig.server.base}/?view=members`);
      await page.locator('.unavailable').waitFor();
      expect(await page.locator('.unavailable').textContent()).toContain('no snapshot of the members dataset is loaded');
      expect(await page.locator('.tab[data-view="members"]').getAttribute('class')).toContain('disabled');
      expect(await page.locator('.panel').count()).toBe(0);
      expect(requests.filter((r) => r.startsWith('/api/v1/members'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('downloads any chart\'s data as the API\'s own CSV, named as the API names it', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=marketplace&as_of=${AS_OF}&products.by=quantity`);
      await panelsSettled(page);
      for (const id of ['products', 'revenue', 'cohorts']) {
        const url = (await panelStates(page)).find((s) => s.id === id)!.url;
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`.panel[data-panel="${id}"] button.csv`).click()]);
        const r = await fetch(`${rig.server.base}${url}&format=csv`);
        const expected = await r.text();
        expect(readFileSync((await download.path())!, 'utf8'), id).toBe(expected);
        expect(expected.split('\n').length, id).toBeGreaterThan(2);
        expect(r.headers.get('content-disposition')).toContain(`filename="${download.suggestedFilename()}"`);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('shows a refusal as the API gives it: status, code, message, the path and the suggestion', async () => {
    const { page } = await openPage(rig.browser);
    try {
      const filters = encodeURIComponent(JSON.stringify({ field: 'country__cod', op: 'eq', value: 'USA' }));
      await page.goto(`${rig.server.base}/?as_of=${AS_OF}&filters=${filters}`);
      await panelsSettled(page);
      const states = await panelStates(page);
      const r = await fetch(`${rig.server.base}${states[1]!.url}`);
      const body = (await r.json()) as { code: string; error: string; details: { path: string; suggestion?: string }[] };
      expect(r.status).toBe(400);
      for (const s of states) expect(s.state, s.id).toBe('error');
      const shown = page.locator('.panel[data-panel="countries"] .problem');
      expect(await shown.getAttribute('data-status')).toBe('400');
      expect(await shown.getAttribute('data-code')).toBe(body.code);
      const text = (await shown.textContent()) ?? '';
      expect(text).toContain(body.error);
      expect(text).toContain(body.details[0]!.path);
      expect(text).toContain(body.details[0]!.suggestion!);
    } finally {
      await page.context().close();
    }
  });
});
