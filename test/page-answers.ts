// What the dashboards' browser tests check of every panel: it drew the API's answer to its
// own request (its `data-url`), row for row and value for value, with something drawn.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { panelStates, panelTable } from './page-browser.ts';

export type Json = Record<string, unknown>;

/** A JSON answer of the server at `base` (path and query), which must be a 200. */
export async function apiAnswer(base: string, url: string): Promise<Json> {
  const r = await fetch(`${base}${url}`);
  expect(r.status, url).toBe(200);
  return (await r.json()) as Json;
}

/** An answer's rows, wherever the endpoint puts them. */
export const rowsOf = (body: Json): Json[] => (Array.isArray(body['data']) ? (body['data'] as Json[]) : body['data'] ? [body['data'] as Json] : ((body['buckets'] as Json[] | undefined) ?? []));

/** Every panel drew its answer: the table under it holds `expected`'s rows for the panel's
 *  own request, value for value, and the chart has one mark per row. */
export async function expectPanelsShowTheApi(page: Page, ids: string[], expected: (id: string, url: string) => Promise<Json[]>): Promise<void> {
  const states = await panelStates(page);
  expect(states.map((s) => s.id)).toEqual(ids);
  for (const s of states) {
    expect(s.state, s.id).toBe('ready');
    const rows = await expected(s.id, s.url);
    expect(s.rows, s.id).toBe(rows.length);
    expect(rows.length, s.id).toBeGreaterThan(0);
    const shown = await panelTable(page, s.id);
    expect(shown.length, s.id).toBe(Math.min(rows.length, 500));
    shown.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) expect(v, `${s.id} row ${i} ${k}`).toEqual(rows[i]![k] ?? null);
    });
    const panel = page.locator(`.panel[data-panel="${s.id}"]`);
    const bars = await panel.locator('g[aria-label="bar"] rect').count();
    const cells = await panel.locator('g[aria-label="cell"] rect').count();
    const canvases = await panel.locator('.uplot canvas').count();
    const tiles = await panel.locator('.kpi').count();
    const tableRows = await panel.locator('.chart > .table-wrap tbody tr').count();
    expect(bars + cells + canvases + tiles + tableRows, `${s.id}: something drawn`).toBeGreaterThan(0);
    if (bars) expect(bars, s.id).toBe(rows.length);
    if (tableRows) expect(tableRows, s.id).toBe(Math.min(rows.length, 500));
  }
}
