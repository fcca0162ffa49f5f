// One panel of a dashboard: asks its endpoint with the view's window, zone, filter and
// choices, draws the answer, offers the answer as CSV (the API's own), and shows the rows
// as a table on demand. Its `data-state` (loading, ready, empty, error) and `data-rows`
// say where it is, for people with screen readers and for the browser tests.
import { ApiProblem, apiUrl, downloadCsv, getJson } from './api.ts';
import type { Params } from './api.ts';
import { h, select } from './dom.ts';
import { table } from './charts/table.ts';
import { choiceValues, dataRows } from './dashboards/types.ts';
import type { Body, PanelDef, Row } from './dashboards/types.ts';
import { update, windowParams } from './state.ts';
import type { State } from './state.ts';
import { problemView } from './problem.ts';

// Asked for as soon as the page runs, so that the charts' chunk loads beside the answers.
const charts = import('./charts/draw.ts');

export interface PanelFilter {
  /** The table the view's filter starts from. */
  readonly root: string;
  /** The filter's JSON text ('' = none). */
  readonly json: string;
}

export function panelParams(def: PanelDef, s: State, filter: PanelFilter): Params {
  const applies = filter.json !== '' && filter.root === def.root;
  const w = windowParams(s);
  if (def.zone && w.tz !== undefined) w.tz = def.zone(w.tz);
  return { ...def.params, ...choiceValues(def, s.options), ...w, ...(applies ? { filters: filter.json } : {}) };
}

/** The window the answer covered, as it says (`window: {start, end}`, instants in UTC). */
function windowText(body: Body): string {
  const w = body['window'] as { start?: string | null; end?: string | null } | undefined;
  if (!w || typeof w !== 'object') return '';
  const t = (x: string | null | undefined) => (x ? x.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : 'the beginning');
  return `${typeof body['range'] === 'string' ? `${body['range']}: ` : ''}${t(w.start)} to ${t(w.end)}`;
}

export function renderPanel(def: PanelDef, s: State, filter: PanelFilter, signal?: AbortSignal): HTMLElement {
  const params = panelParams(def, s, filter);
  const choices = choiceValues(def, s.options);
  const chart = h('div', { class: 'chart' }, h('p', { class: 'muted' }, 'Loading…'));
  const note = h('p', { class: 'note' });
  const details = h('details', { class: 'data' }, h('summary', null, 'Data'));
  const status = h('p', { class: 'status', role: 'status' });
  const csv = h('button', { type: 'button', class: 'csv', title: 'the answer as CSV, from the API' }, 'CSV');
  const controls = (def.choices ?? []).map((c) =>
    h('label', null, `${c.label} `, select(c.values, choices[c.name]!, { 'data-choice': c.name, onchange: (e: Event) => update({ options: { ...s.options, [`${def.id}.${c.name}`]: (e.target as HTMLSelectElement).value } }) })),
  );
  const section = h(
    'section',
    { class: `panel${def.wide ? ' wide' : ''}`, 'data-panel': def.id, 'data-state': 'loading', 'data-url': apiUrl(def.path, params) },
    h('header', null, h('h2', null, def.title), h('div', { class: 'controls' }, ...controls, csv)),
    chart,
    note,
    filter.json !== '' && filter.root !== def.root ? h('p', { class: 'note filter-note' }, `The filter (on ${filter.root}) does not apply here: this chart's filters start at ${def.root}.`) : null,
    status,
    details,
  );
  csv.addEventListener('click', () => {
    status.textContent = '';
    downloadCsv(def.path, params).catch((e: unknown) => status.replaceChildren(problemView(e)));
  });
  void Promise.all([getJson<Body>(def.path, params, signal), charts]).then(
    ([body, { draw }]) => {
      const rows = (def.rows ?? dataRows)(body);
      chart.replaceChildren();
      section.dataset['rows'] = String(rows.length);
      note.textContent = [def.note?.(body), windowText(body)].filter(Boolean).join(' · ');
      if (rows.length === 0 && def.chart.kind !== 'kpis') {
        chart.append(h('p', { class: 'muted empty' }, 'No data in this window.'));
        section.dataset['state'] = 'empty';
        return;
      }
      draw(chart, def, rows, choices, s.tz);
      // The table is built when opened: a long series need not cost anything until then.
      details.addEventListener('toggle', () => {
        if (details.open && details.childElementCount === 1) details.append(table(rows, def.columns));
      });
      section.dataset['state'] = 'ready';
    },
    (e: unknown) => {
      // Aborted: the view changed and this panel is no longer shown.
      if (signal?.aborted) return;
      chart.replaceChildren(problemView(e));
      section.dataset['state'] = 'error';
      if (e instanceof ApiProblem) section.dataset['status'] = String(e.status);
    },
  );
  return section;
}
