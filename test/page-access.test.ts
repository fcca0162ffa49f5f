// The SQL notebook and API keys in a real browser: the notebook runs a query with the debug
// token (kept in the tab, never in the URL) and shows the API's 401 without it and its 400
// for bad SQL; with API keys set, the page asks for a key once, sends it as X-API-Key on
// every call (never in a URL), and every view, download and the notebook work with it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openPage, panelsSettled, panelStates } from './page-browser.ts';
import { AS_OF } from './page-server.ts';
import { usePageRig } from './page-rig.ts';

const TOKEN = 'page-debug-token-0123456789';
const KEY = 'page-api-key-abcdefghijklmnop';
const rig = usePageRig('page-access-', { views: 3_000, orders: 600, servers: [{ debugToken: TOKEN }, { debugToken: TOKEN, accessKeys: [{ name: 'dashboard', secret: KEY }] }] });

const COUNT = 'SELECT count(*) AS n FROM blog_view';

async function sqlAnswer(base: string, sql: string, headers: Record<string, string>): Promise<{ status: number; body: { error?: string; code?: string; rows?: unknown[][] } }> {
  const r = await fetch(`${base}/api/v1/debug/sql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ sql }) });
  return { status: r.status, body: (await r.json()) as { error?: string; code?: string; rows?: unknown[][] } };
}

describe('the SQL notebook', () => {
  it('runs a query with the token, shows the API\'s 401 without it and its 400 for bad SQL; the token stays in the tab', async () => {
    const { page, errors } = await openPage(rig.browser);
    try {
      await page.goto(`${rig.servers[0]!.base}/?view=sql`);
      await page.locator('textarea[name="sql"]').fill(COUNT);
      await page.locator('button.run').click();
      await page.locator('.results[data-state="error"]').waitFor();
      const refused = await sqlAnswer(rig.servers[0]!.base, COUNT, {});
      expect(refused.status).toBe(401);
      expect(await page.locator('.results').getAttribute('data-status')).toBe('401');
      expect(await page.locator('.results .problem').getAttribute('data-code')).toBe(refused.body.code);
      expect(await page.locator('.results .problem').textContent()).toContain(refused.body.error);

      await page.locator('input[name="token"]').fill(TOKEN);
      await page.locator('button.run').click();
      await page.locator('.results[data-state="ready"]').waitFor();
      expect(await page.locator('.results td').first().getAttribute('data-value')).toBe(String(rig.data.views));
      expect(new URL(page.url()).searchParams.get('sql')).toBe(COUNT);
      expect(page.url()).not.toContain(TOKEN);

      const bad = 'SELECT no_such_column FROM blog_view';
      await page.locator('textarea[name="sql"]').fill(bad);
      await page.locator('button.run').click();
      await page.locator('.results[data-state="error"]').waitFor();
      const answer = await sqlAnswer(rig.servers[0]!.base, bad, { authorization: `Bearer ${TOKEN}` });
      expect(answer.status).toBe(400);
      expect(await page.locator('.results').getAttribute('data-status')).toBe('400');
      expect(await page.locator('.results .problem').textContent()).toContain(answer.body.error);

      // A reload reruns the URL's SQL with the tab's token; another tab has no token.
      await page.locator('textarea[name="sql"]').fill(COUNT);
      await page.locator('button.run').click();
      await page.locator('.results[data-state="ready"]').waitFor();
      await page.reload();
      await page.locator('.results[data-state="ready"]').waitFor();
      expect(await page.locator('.results td').first().getAttribute('data-value')).toBe(String(rig.data.views));
      const other = await openPage(rig.browser);
      try {
        await other.page.goto(page.url());
        await other.page.locator('textarea[name="sql"]').waitFor();
        expect(await other.page.locator('input[name="token"]').inputValue()).toBe('');
        expect(await other.page.locator('.results').getAttribute('data-state')).toBe('idle');
        expect(await other.page.locator('textarea[name="sql"]').inputValue()).toBe(COUNT);
      } finally {
        await other.page.context().close();
      }
      expect(errors.filter((e) => !/status of (401|400)/.test(e))).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe('with API keys set', () => {
  it('asks for the key once, sends it as X-API-Key on every call, and every view works with it', async () => {
    const { page, errors } = await openPage(rig.browser);
    const sent: { url: string; key: string | undefined }[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) sent.push({ url: r.url(), key: r.headers()['x-api-key'] });
    });
    try {
      await page.goto(`${rig.servers[1]!.base}/?as_of=${AS_OF}`);
      await page.locator('.key-form').waitFor();
      expect(await page.locator('.panel').count()).toBe(0);
      await page.locator('.key-form input[name="api_key"]').fill('not-the-key-0123456789');
      await page.locator('.key-form button').click();
      await page.locator('.key-form', { hasText: 'refused' }).waitFor();

      await page.locator('.key-form input[name="api_key"]').fill(KEY);
      await page.locator('.key-form button').click();
      await panelsSettled(page);
      for (const s of await panelStates(page)) expect(s.state, s.id).toBe('ready');
      expect(await page.locator('.key-form').count()).toBe(0);

      await page.locator('.tab[data-view="marketplace"]').click();
      await panelsSettled(page, '/marketplace/');
      for (const s of await panelStates(page)) expect(s.state, s.id).toBe('ready');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.panel[data-panel="products"] button.csv').click()]);
      expect(readFileSync((await download.path())!, 'utf8').split('\n')[0]).toContain('name');

      await page.reload();
      await panelsSettled(page, '/marketplace/');
      for (const s of await panelStates(page)) expect(s.state, s.id).toBe('ready');
      expect(await page.locator('.key-form').count()).toBe(0);

      await page.locator('.tab[data-view="sql"]').click();
      await page.locator('textarea[name="sql"]').fill(COUNT);
      await page.locator('input[name="token"]').fill(TOKEN);
      await page.locator('button.run').click();
      await page.locator('.results[data-state="ready"]').waitFor();
      expect(await page.locator('.results td').first().getAttribute('data-value')).toBe(String(rig.data.views));

      // After the key was given, every call carried it, in the header only.
      const after = sent.slice(sent.findIndex((s) => s.key === KEY));
      expect(after.length).toBeGreaterThan(10);
      for (const s of after) {
        expect(s.key, s.url).toBe(KEY);
        expect(s.url).not.toContain(KEY);
      }
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
