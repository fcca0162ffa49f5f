// The page's controls in a real browser: a filter built in the builder (and/or/not groups,
// typed values, a text field's frequent values offered) is sent as the API's filter and the panels show the API's numbers for that
// same filter; the window and zone pickers change the requests; the URL holds the view, so
// a reload (or the link in a new tab) shows the same, and Back undoes a change.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, panelsSettled, panelStates, panelTable } from './page-browser.ts';
import { AS_OF } from './page-server.ts';
import { usePageRig } from './page-rig.ts';

const rig = usePageRig('page-ui-');

type Json = Record<string, unknown>;
async function api(path: string, params: Record<string, string>): Promise<Json[]> {
  const r = await fetch(`${rig.server.base}/api/v1/${path}?${new URLSearchParams(params)}`);
  expect(r.status, path).toBe(200);
  const body = (await r.json()) as Json;
  return Array.isArray(body['data']) ? (body['data'] as Json[]) : [body['data'] as Json];
}

/** The panel's table shows exactly these rows (in the columns it shows). */
async function expectShown(page: Page, id: string, rows: Json[]): Promise<void> {
  const shown = await panelTable(page, id);
  expect(shown.length, id).toBe(rows.length);
  shown.forEach((row, i) => {
    for (const [k, v] of Object.entries(row)) expect(v, `${id} row ${i} ${k}`).toEqual(rows[i]![k] ?? null);
  });
}

/** The builder's group at `path` (child indexes among groups, from the top group). */
const group = (page: Page, path: number[]) => path.reduce((g, i) => g.locator('> .items > .group').nth(i), page.locator('.tree > .group'));

async function addCondition(g: ReturnType<typeof group>, field: string, op: string, value: string): Promise<void> {
  await g.locator('> .group-head .add-condition').click();
  const leaf = g.locator('> .items > .leaf').last();
  await leaf.locator('.field').selectOption(field);
  await leaf.locator('.op').selectOption(op);
  await leaf.locator('.value').fill(value);
}

describe('the filter builder', () => {
  it('builds and/or/not groups of typed conditions; the panels show the API\'s numbers for the same filter', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      const window = { as_of: AS_OF, range: 'all' };
      const codes = (await api('blog/query', { measures: 'views', dimensions: 'country__code', limit: '2' })).map((r) => String(r['country__code']));
      await page.goto(`${rig.server.base}/?as_of=${AS_OF}&range=all`);
      await panelsSettled(page);
      // A text field offers its most frequent values (the query endpoint's, grouped by it).
      await addCondition(group(page, []), 'country__code', 'eq', '');
      await page.locator('.leaf .value').focus();
      const offered = page.locator('.leaf datalist option');
      await offered.nth(1).waitFor({ state: 'attached' });
      expect((await offered.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).slice(0, 2)).toEqual(codes);
      await page.locator('.leaf .op').selectOption('in');
      await page.locator('.leaf .value').fill(` ${codes.join(' ,  ')} `);
      await group(page, []).locator('> .group-head .add-group').click();
      await group(page, [0]).locator('> .group-head .group-op').selectOption('or');
      await addCondition(group(page, [0]), 'duration', 'gte', '120');
      await group(page, [0]).locator('> .group-head .add-group').click();
      await group(page, [0, 0]).locator('> .group-head .group-op').selectOption('not');
      await addCondition(group(page, [0, 0]), 'blog__title', 'icontains', 'e');
      const filter = {
        operator: 'and',
        conditions: [
          { field: 'country__code', op: 'in', value: codes },
          { operator: 'or', conditions: [{ field: 'duration', op: 'gte', value: 120 }, { operator: 'not', conditions: [{ field: 'blog__title', op: 'icontains', value: 'e' }] }] },
        ],
      };
      const json = JSON.stringify(filter);
      expect(await page.locator('.filter-json').textContent()).toBe(json);
      await page.locator('button.apply').click();
      await panelsSettled(page, 'filters=');
      expect(new URL(page.url()).searchParams.get('filters')).toBe(json);
      for (const s of await panelStates(page)) expect(new URL(s.url, 'http://x').searchParams.get('filters'), s.id).toBe(json);

      const filters = { ...window, filters: json };
      await expectShown(page, 'totals', await api('blog/query', { measures: 'views,blogs,viewers,avg_duration', ...filters }));
      await expectShown(page, 'countries', await api('analytics/blog-views', { object_type: 'country', limit: '15', ...filters }));
      await expectShown(page, 'viewers', await api('analytics/blog-views', { object_type: 'user', limit: '15', ...filters }));
      await expectShown(page, 'performance', await api('analytics/performance', { compare: 'month', ...filters }));
      await expectShown(page, 'blogs', await api('analytics/top', { top: 'blog', limit: '10', ...filters }));
      // The filter took effect: some views, not all, and only the two countries.
      const views = Number(await page.locator('.kpi[data-key="views"]').getAttribute('data-value'));
      expect(views).toBeGreaterThan(0);
      expect(views).toBeLessThan(rig.data.views);
      expect((await panelTable(page, 'countries')).length).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe('the window and zone pickers', () => {
  it('send range, tz, start and end with every request, and the panels show those answers', async () => {
    const { page, errors, requests } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?view=marketplace&as_of=${AS_OF}`);
      await panelsSettled(page);
      const paths = (await panelStates(page)).map((s) => s.url.split('?')[0]!);
      const since = (n: number, check: (q: URLSearchParams) => boolean) => {
        const after = requests.slice(n).filter((r) => paths.includes(r.split('?')[0]!));
        expect(after.map((r) => r.split('?')[0]).sort()).toEqual([...paths].sort());
        for (const r of after) expect(check(new URL(r, 'http://x').searchParams), r).toBe(true);
      };

      let n = requests.length;
      await page.locator('select[name="range"]').selectOption('year');
      await panelsSettled(page, 'range=year');
      since(n, (q) => q.get('range') === 'year' && q.get('as_of') === AS_OF && !q.has('tz'));
      await expectShown(page, 'revenue', await api('marketplace/revenue', { compare: 'month', range: 'year', as_of: AS_OF }));

      n = requests.length;
      await page.locator('input[name="tz"]').fill('Asia/Kolkata');
      await page.locator('input[name="tz"]').press('Enter');
      await panelsSettled(page, 'tz=Asia%2FKolkata');
      since(n, (q) => q.get('range') === 'year' && q.get('tz') === 'Asia/Kolkata');
      await expectShown(page, 'revenue', await api('marketplace/revenue', { compare: 'month', range: 'year', as_of: AS_OF, tz: 'Asia/Kolkata' }));

      n = requests.length;
      await page.locator('select[name="range"]').selectOption('custom');
      await panelsSettled(page);
      await page.locator('input[name="start"]').fill('2026-01-01');
      await panelsSettled(page, 'start=2026-01-01');
      await page.locator('input[name="end"]').fill('2026-07-01');
      await panelsSettled(page, 'end=2026-07-01');
      const last = requests.slice(n).filter((r) => r.includes('end=2026-07-01'));
      expect(last.length).toBe(paths.length);
      for (const r of last) {
        const q = new URL(r, 'http://x').searchParams;
        expect([q.get('start'), q.get('end'), q.get('tz'), q.has('range')], r).toEqual(['2026-01-01', '2026-07-01', 'Asia/Kolkata', false]);
      }
      await expectShown(page, 'products', await api('marketplace/top-products', { limit: '10', by: 'revenue', start: '2026-01-01', end: '2026-07-01', as_of: AS_OF, tz: 'Asia/Kolkata' }));
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe('requests no longer needed', () => {
  it('are aborted when the view changes before they are answered; the new view shows its own answers', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      // Answers held back, so that the first view's requests are still open when it changes.
      const held: string[] = [];
      await page.route('**/api/v1/marketplace/**', async (route) => {
        if (!route.request().url().includes('range=year')) {
          held.push(route.request().url());
          await new Promise((r) => setTimeout(r, 1500));
        }
        await route.continue().catch(() => {});
      });
      const aborted: string[] = [];
      page.on('requestfailed', (r) => {
        if (r.url().includes('/api/v1/marketplace/') && /ABORTED|cancel/i.test(r.failure()?.errorText ?? '')) aborted.push(r.url());
      });
      await page.goto(`${rig.server.base}/?view=marketplace&as_of=${AS_OF}`);
      await page.waitForFunction(() => document.querySelectorAll('.panel[data-state="loading"]').length > 0);
      const first = (await panelStates(page)).map((p) => p.url);
      await page.locator('select[name="range"]').selectOption('year');
      await panelsSettled(page, 'range=year');
      // Every panel of the first view asked, and every one of those asks was given up.
      expect(first.length).toBeGreaterThan(3);
      await expect.poll(() => aborted.length).toBe(first.length);
      for (const u of aborted) expect(u).not.toContain('range=year');
      expect((await panelStates(page)).every((p) => p.state === 'ready' || p.state === 'empty')).toBe(true);
      await expectShown(page, 'revenue', await api('marketplace/revenue', { compare: 'month', range: 'year', as_of: AS_OF }));
      expect(held.length).toBeGreaterThanOrEqual(first.length);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe('the URL', () => {
  it('reproduces the view after a reload and in a new tab; Back undoes the last change', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.server.base}/?as_of=${AS_OF}`);
      await panelsSettled(page);
      await page.locator('select[name="range"]').selectOption('year');
      await panelsSettled(page, 'range=year');
      await page.locator('input[name="tz"]').fill('Europe/Berlin');
      await page.locator('input[name="tz"]').press('Enter');
      await panelsSettled(page, 'tz=Europe%2FBerlin');
      await page.locator('.panel[data-panel="performance"] select[data-choice="compare"]').selectOption('week');
      await page.locator('.panel[data-panel="performance"][data-url*="compare=week"]').waitFor();
      await panelsSettled(page, 'tz=Europe%2FBerlin');
      await addCondition(group(page, []), 'duration', 'gte', '60');
      await page.locator('button.apply').click();
      await panelsSettled(page, 'filters=');

      const view = async (p: Page) => ({
        panels: (await panelStates(p)).map((s) => [s.id, s.state, s.url, s.rows]),
        performance: await panelTable(p, 'performance'),
        range: await p.locator('select[name="range"]').inputValue(),
        tz: await p.locator('input[name="tz"]').inputValue(),
        compare: await p.locator('.panel[data-panel="performance"] select[data-choice="compare"]').inputValue(),
        filter: await p.locator('.filter-json').textContent(),
        leaf: [await p.locator('.leaf .field').inputValue(), await p.locator('.leaf .op').inputValue(), await p.locator('.leaf .value').inputValue()],
      });
      const before = await view(page);
      expect(before.range).toBe('year');
      expect(before.leaf).toEqual(['duration', 'gte', '60']);
      expect(before.performance.length).toBeGreaterThan(10);

      await page.reload();
      await panelsSettled(page, 'filters=');
      await page.locator('.leaf').waitFor();
      expect(await view(page)).toEqual(before);

      const other = await openPage(rig.browser);
      try {
        await other.page.goto(page.url());
        await panelsSettled(other.page, 'filters=');
        await other.page.locator('.leaf').waitFor();
        expect(await view(other.page)).toEqual(before);
        expect(other.errors).toEqual([]);
      } finally {
        await other.page.context().close();
      }

      await page.goBack();
      await panelsSettled(page);
      for (const s of await panelStates(page)) {
        const q = new URL(s.url, 'http://x').searchParams;
        expect([q.has('filters'), q.get('tz')], s.id).toEqual([false, 'Europe/Berlin']);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
