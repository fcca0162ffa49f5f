// The page: a tab per dashboard (declared in dashboards/) and the SQL notebook. Everything
// shown follows from the URL (state.ts) and the public API (api.ts); a 401 from the key
// check asks for a key once, kept in the tab.
import './style.css';
import { getJson, KEY_NEEDED } from './api.ts';
import { h } from './dom.ts';
import { DASHBOARDS } from './dashboards/index.ts';
import type { DashboardDef } from './dashboards/types.ts';
import { filterBuilder } from './filter-builder.ts';
import { notebook } from './notebook.ts';
import { renderPanel } from './panel.ts';
import { problemView } from './problem.ts';
import { apiKey, setApiKey } from './session.ts';
import { initState, state, STATE_CHANGED, toSearch, update } from './state.ts';
import type { State } from './state.ts';
import { formatValue } from './format.ts';
import { windowBar } from './window-bar.ts';

interface DatasetInfo {
  readonly name: string;
  readonly description: string;
  readonly available: boolean;
  readonly snapshot: { tables: Record<string, number>; synthetic: boolean; loaded_at: string } | null;
}

const app = document.getElementById('app')!;
let datasets: DatasetInfo[] | undefined;
let datasetsProblem: unknown;
let askKey = false;

async function loadDatasets(): Promise<void> {
  try {
    datasets = (await getJson<{ datasets: DatasetInfo[] }>('datasets')).datasets;
    datasetsProblem = undefined;
  } catch (e) {
    datasets = undefined;
    datasetsProblem = e;
  }
}

function keyBar(): HTMLElement {
  if (askKey || (!apiKey() && datasetsProblem)) {
    const input = h('input', { type: 'password', name: 'api_key', autocomplete: 'off', placeholder: 'API key', size: 28 });
    return h(
      'form',
      {
        class: 'key-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          setApiKey(input.value);
          askKey = false;
          await loadDatasets();
          render();
        },
      },
      h('span', null, apiKey() ? 'This key was refused. ' : 'This server asks for an API key. '),
      input,
      h('button', { type: 'submit' }, 'Use key'),
      h('span', { class: 'muted' }, ' kept in this tab only'),
    );
  }
  if (!apiKey()) return h('span');
  return h('span', { class: 'key-set muted' }, 'API key set · ', h('button', { type: 'button', class: 'link', onclick: () => { setApiKey(''); void loadDatasets().then(render); } }, 'forget'));
}

function tabs(s: State): HTMLElement {
  const tab = (view: string, label: string, note?: string) =>
    h(
      'a',
      {
        href: toSearch({ ...s, view, filters: '', root: '', options: {}, sql: view === 'sql' ? s.sql : '' }) || '?',
        class: `tab${note ? ' disabled' : ''}`,
        'data-view': view,
        'aria-current': s.view === view ? 'page' : undefined,
        title: note,
        onclick: (e: MouseEvent) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey) return;
          e.preventDefault();
          update({ view, filters: '', root: '', options: {} });
        },
      },
      label,
      note ? h('small', null, ' not available') : null,
    );
  return h('nav', { class: 'tabs' }, ...DASHBOARDS.map((d) => tab(d.name, d.title, availability(d))), tab('sql', 'SQL notebook'), h('a', { href: '/docs', class: 'tab docs' }, 'API docs'));
}

/** Why a dashboard cannot be shown, or undefined when it can. */
function availability(d: DashboardDef): string | undefined {
  if (!datasets) return undefined;
  const info = datasets.find((x) => x.name === d.dataset);
  if (!info) return `this server does not serve the ${d.dataset} dataset (GET /api/v1/datasets does not list it)`;
  if (!info.available) return `no snapshot of the ${d.dataset} dataset is loaded: import one (npm run import -- SOURCE --dataset ${d.dataset}) and reload`;
  return undefined;
}

function snapshotLine(d: DashboardDef): HTMLElement | null {
  const snap = datasets?.find((x) => x.name === d.dataset)?.snapshot;
  if (!snap) return null;
  const tables = Object.entries(snap.tables).map(([t, n]) => `${formatValue(n)} ${t}`).join(', ');
  return h('p', { class: 'muted snapshot' }, `${tables}; loaded ${snap.loaded_at}${snap.synthetic ? ' (synthetic data)' : ''}`);
}

let builder: { key: string; el: HTMLElement } | undefined;

function dashboard(d: DashboardDef, s: State, signal: AbortSignal): HTMLElement {
  const why = availability(d);
  if (why) return h('div', { class: 'unavailable', 'data-dashboard': d.name }, h('h2', null, `${d.title}: not available`), h('p', null, `The ${d.title.toLowerCase()} dashboard needs the ${d.dataset} dataset: ${why}.`));
  const roots = [...new Set([d.defaultRoot, ...d.panels.map((p) => p.root)])];
  const root = roots.includes(s.root) ? s.root : d.defaultRoot;
  const key = `${d.name} ${root} ${s.filters}`;
  // The builder survives window changes, so a filter being built is not lost.
  if (builder?.key !== key) builder = { key, el: filterBuilder({ dataset: d.dataset, roots, root, json: s.filters, apply: (r, json) => update({ root: r === d.defaultRoot ? '' : r, filters: json }) }) };
  const filter = { root, json: s.filters };
  return h(
    'div',
    { class: 'dashboard', 'data-dashboard': d.name },
    snapshotLine(d),
    windowBar(s, d.zoneWords),
    builder.el,
    h('div', { class: 'grid' }, ...d.panels.map((p) => renderPanel(p, s, filter, signal))),
  );
}

/** The panels' requests of the view shown; a new render aborts those of the one before,
 *  so that a quick series of changes (a window dragged, filters typed) does not leave the
 *  server answering questions nobody will see. */
let shown = new AbortController();
let rendering = false;
let again = false;

function renderOnce(): void {
  const next = new AbortController();
  const s = state();
  let body: HTMLElement;
  if (s.view === 'sql') body = notebook(s);
  else if (!datasets) body = datasetsProblem ? problemView(datasetsProblem) : h('p', { class: 'muted' }, 'Loading…');
  else body = dashboard(DASHBOARDS.find((d) => d.name === s.view) ?? DASHBOARDS[0]!, s, next.signal);
  app.replaceChildren(h('header', { class: 'top' }, h('h1', null, 'Analytics'), tabs(s), keyBar()), h('main', null, body));
  // Only once the new view is in place: should drawing it fail, the old one keeps its answers.
  shown.abort();
  shown = next;
}

/** Draws the view the state holds. A state change while drawing (a focused field taken out
 *  of the page can fire its `change`: the members test's zone) draws again once this one is in place:
 *  drawn inside it, the newer view would be replaced by this one, whose requests it aborted. */
function render(): void {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    do {
      again = false;
      renderOnce();
    } while (again);
  } finally {
    rendering = false;
  }
}

window.addEventListener(KEY_NEEDED, () => {
  if (askKey) return;
  askKey = true;
  render();
});
window.addEventListener(STATE_CHANGED, render);
initState(DASHBOARDS[0]!.name);
render();
void loadDatasets().then(render);
