// The page in a real browser (Chromium, playwright-core): each dashboard draws every panel
// from the generated snapshots with no console error, and what it shows is what the API
// answers for the same request; the members dashboard, not served yet, says so, and draws
// answers of the spec's shapes once listed; CSV downloads are the API's own CSV; refusals
// are shown as the API gave them. Screenshots go to test/output/ for a person to look at.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from './helpers.ts';
import { launchBrowser, openPage, OUTPUT, panelsSettled, panelStates, panelTable } from './page-browser.ts';
import { mockMembers, MEMBERS_ANSWERS } from './page-members-mock.ts';
import { AS_OF, pageData, servePage } from './page-server.ts';
import type { PageData, PageServer } from './page-server.ts';

const dir = tempDir('page-dash-');
let data: PageData | undefined;
let server: PageServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  data = await pageData(dir.path);
  server = await servePage(data);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
  data?.close();
  dir.cleanup();
});

type Json = Record<string, unknown>;
const api = async (url: string): Promise<Json> => {
  const r = await fetch(`${server!.base}${url}`);
  expect(r.status, url).toBe(200);
  return (await r.json()) as Json;
};
/** An answer's rows, wherever the endpoint puts them. */
const rowsOf = (body: Json): Json[] => (Array.isArray(body['data']) ? (body['data'] as Json[]) : body['data'] ? [body['data'] as Json] : ((body['buckets'] as Json[] | undefined) ?? []));

/** Every panel drew its answer: the table under it holds the API's rows for the panel's
 *  own request, value for value, and the chart has one mark per row. */
async function expectPanelsShowTheApi(page: Page, ids: string[], answers: (url: string) => Promise<Json>): Promise<void> {
  const states = await panelStates(page);
  expect(states.map((s) => s.id)).toEqual(ids);
  for (const s of states) {
    expect(s.state, s.id).toBe('ready');
    const expected = rowsOf(await answers(s.url));
    expect(s.rows, s.id).toBe(expected.length);
    expect(expected.length, s.id).toBeGreaterThan(0);
    const shown = await panelTable(page, s.id);
    expect(shown.length, s.id).toBe(Math.min(expected.length, 500));
    shown.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) expect(v, `${s.id} row ${i} ${k}`).toEqual(expected[i]![k] ?? null);
    });
    const panel = page.locator(`.panel[data-panel="${s.id}"]`);
    const bars = await panel.locator('g[aria-label="bar"] rect').count();
    const cells = await panel.locator('g[aria-label="cell"] rect').count();
    const canvases = await panel.locator('.uplot canvas').count();
    const tiles = await panel.locator('.kpi').count();
    const rows = await panel.locator('.chart tbody tr').count();
    expect(bars + cells + canvases + tiles + rows, `${s.id}: something drawn`).toBeGreaterThan(0);
    if (bars) expect(bars, s.id).toBe(expected.length);
  }
}

describe('the dashboards', () => {
  it('blog: totals, views by country and by viewer, performance with growth, the top lists, all from the API', async () => {
    const { page, errors } = await openPage(browser!);
    try {
      await page.goto(`${server!.base}/?as_of=${AS_OF}`);
      await panelsSettled(page);
      await expectPanelsShowTheApi(page, ['totals', 'countries', 'viewers', 'performance', 'authors', 'top-countries', 'blogs'], api);
      // The totals count every view of the snapshot (the query endpoint's default: all time).
      expect(await page.locator('.panel[data-panel="totals"] .kpi[data-key="views"]').getAttribute('data-value')).toBe(String(data!.views));
      await page.screenshot({ path: join(OUTPUT, 'page-blog.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('marketplace: totals, revenue with its running total, top products, categories, ranked customers, cohorts', async () => {
    const { page, errors } = await openPage(browser!);
    try {
      await page.goto(`${server!.base}/?view=marketplace&as_of=${AS_OF}`);
      await panelsSettled(page);
      await expectPanelsShowTheApi(page, ['summary', 'revenue', 'products', 'categories', 'customers', 'cohorts'], api);
      // The cohorts' heatmap has a cell per retention figure inside the window.
      const cohorts = rowsOf(await api((await panelStates(page)).find((s) => s.id === 'cohorts')!.url));
      const figures = cohorts.flatMap((c) => (c['retention'] as (number | null)[]).filter((v) => v !== null));
      expect(await page.locator('.panel[data-panel="cohorts"] g[aria-label="cell"] rect').count()).toBe(figures.length);
      await page.screenshot({ path: join(OUTPUT, 'page-marketplace.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('members: "not available" while /api/v1/datasets does not list the dataset', async () => {
    const { page, errors, requests } = await openPage(browser!);
    try {
      await page.goto(`${server!.base}/?view=members`);
      await page.locator('.unavailable').waitFor();
      expect(await page.locator('.unavailable').textContent()).toContain('does not list it');
      expect(await page.locator('.tab[data-view="members"]').getAttribute('class')).toContain('disabled');
      expect(await page.locator('.panel').count()).toBe(0);
      expect(requests.filter((r) => r.startsWith('/api/v1/members'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('members: once listed, active members with WAU/MAU, concurrency, session lengths and the weekday x hour heatmap (answers of the spec\'s shapes)', async () => {
    const { page, errors } = await openPage(browser!);
    const seen: string[] = [];
    try {
      await mockMembers(page, seen);
      await page.goto(`${server!.base}/?view=members&tz=member&range=month`);
      await panelsSettled(page);
      await expectPanelsShowTheApi(page, ['active', 'concurrency', 'sessions', 'heatmap'], async (url) => MEMBERS_ANSWERS[new URL(url, 'http://x').pathname.split('/').pop()!] as Json);
      expect(await page.locator('.panel[data-panel="heatmap"] g[aria-label="cell"] rect').count()).toBe(168);
      expect(await page.locator('.panel[data-panel="concurrency"] .note').textContent()).toContain('17 members at once');
      expect(await page.locator('.panel[data-panel="sessions"] .note').textContent()).toContain('median 640 s');
      // Every members endpoint was asked with the window and the `member` zone.
      expect(seen.length).toBe(4);
      for (const r of seen) expect(new URL(r, 'http://x').searchParams.get('tz'), r).toBe('member');
      await page.screenshot({ path: join(OUTPUT, 'page-members-mocked.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('downloads any chart\'s data as the API\'s own CSV, named as the API names it', async () => {
    const { page, errors } = await openPage(browser!);
    try {
      await page.goto(`${server!.base}/?view=marketplace&as_of=${AS_OF}&products.by=quantity`);
      await panelsSettled(page);
      for (const id of ['products', 'revenue', 'cohorts']) {
        const url = (await panelStates(page)).find((s) => s.id === id)!.url;
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`.panel[data-panel="${id}"] button.csv`).click()]);
        const r = await fetch(`${server!.base}${url}&format=csv`);
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
    const { page } = await openPage(browser!);
    try {
      const filters = encodeURIComponent(JSON.stringify({ field: 'country__cod', op: 'eq', value: 'USA' }));
      await page.goto(`${server!.base}/?as_of=${AS_OF}&filters=${filters}`);
      await panelsSettled(page);
      const states = await panelStates(page);
      const r = await fetch(`${server!.base}${states[1]!.url}`);
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
