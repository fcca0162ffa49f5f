// A real browser for the page's tests: Debian's Chromium driven by playwright-core (which
// downloads nothing), with the flags that keep it off the network and quiet. One browser per
// test file; a page per test, watched for console errors and uncaught exceptions.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Screenshots for a person to look at (gitignored). */
export const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run installs it)`);
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed requests' messages so far. */
  readonly errors: string[];
  /** Every request URL (path and query) the page made to the API, in order. */
  readonly requests: string[];
}

export async function openPage(browser: Browser, options: { width?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) requests.push(u.pathname + u.search);
  });
  return { page, errors, requests };
}

/** Waits until every panel of the view has an answer (drawn, empty or refused), and, with
 *  `asking`, every panel's request holds that text (the view after a change, not before). */
export async function panelsSettled(page: Page, asking = ''): Promise<void> {
  await page.waitForFunction((text) => {
    const panels = [...document.querySelectorAll<HTMLElement>('.panel')];
    return panels.length > 0 && panels.every((p) => p.dataset['state'] !== 'loading' && (p.dataset['url'] ?? '').includes(text));
  }, asking);
}

/** Each panel's id, state and row count. */
export function panelStates(page: Page): Promise<{ id: string; state: string; rows: number; url: string }[]> {
  return page.$$eval('.panel', (els) => els.map((e) => ({ id: e.getAttribute('data-panel') ?? '', state: e.getAttribute('data-state') ?? '', rows: Number(e.getAttribute('data-rows') ?? -1), url: e.getAttribute('data-url') ?? '' })));
}

/** A panel's data table (opened), as rows of {column: value}, the values as the answer
 *  held them (each cell's data-value). */
export async function panelTable(page: Page, id: string): Promise<Record<string, unknown>[]> {
  const panel = page.locator(`.panel[data-panel="${id}"]`);
  const details = panel.locator('details.data');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  await details.locator('table').waitFor();
  return details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset['key'] ?? '', JSON.parse(td.dataset['value'] ?? 'null') as unknown]))));
}
