// The SQL notebook over POST /api/v1/debug/sql: one read-only SELECT over the blog
// snapshot, with the debug token entered here and kept in this tab only (sessionStorage).
// Results as a table; refusals as the API gave them (401 without the token).
import { ApiProblem, call, saveResponse } from './api.ts';
import { h } from './dom.ts';
import { table } from './charts/table.ts';
import type { Row } from './dashboards/types.ts';
import { problemView } from './problem.ts';
import { debugToken, setDebugToken } from './session.ts';
import { remember } from './state.ts';
import type { State } from './state.ts';

interface SqlAnswer {
  readonly columns: { name: string; type: string }[];
  readonly rows: unknown[][];
  readonly row_count: number;
  readonly truncated: boolean;
  readonly elapsed_ms: number;
}

const EXAMPLE = 'SELECT c.name, count(*) AS views\nFROM blog_view v JOIN country c ON c.id = v.country_id\nGROUP BY 1 ORDER BY 2 DESC LIMIT 10';

function request(sql: string, maxRows: number, format: 'json' | 'csv'): Promise<Response> {
  const token = debugToken();
  return call(
    '/api/v1/debug/sql',
    {
      method: 'POST',
      // The token travels as Bearer; an API key, where the page has one, as X-API-Key (api.ts).
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(format === 'csv' ? { accept: 'text/csv' } : {}) },
      body: JSON.stringify({ sql, max_rows: maxRows, format }),
    },
    // A 401 here is the debug token's (or the key's): shown in the notebook, not as a key prompt.
    false,
  );
}

export function notebook(s: State): HTMLElement {
  const sql = h('textarea', { name: 'sql', rows: 8, spellcheck: 'false', 'aria-label': 'SQL' }) as HTMLTextAreaElement;
  sql.value = s.sql || EXAMPLE;
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', value: debugToken(), placeholder: 'DEBUG_TOKEN', size: 28 });
  const maxRows = h('input', { type: 'number', name: 'max_rows', min: 1, max: 100000, value: '1000', size: 7 });
  const out = h('div', { class: 'results', 'data-state': 'idle' });

  const run = async () => {
    setDebugToken(token.value);
    // The SQL joins the URL (a link reruns it); the token never does.
    remember({ sql: sql.value });
    out.dataset['state'] = 'running';
    out.replaceChildren(h('p', { class: 'muted' }, 'Running…'));
    try {
      const answer = (await (await request(sql.value, Number(maxRows.value) || 1000, 'json')).json()) as SqlAnswer;
      const names = answer.columns.map((c, i) => ({ key: String(i), label: `${c.name} (${c.type})` }));
      const rows: Row[] = answer.rows.map((r) => Object.fromEntries(r.map((v, i) => [String(i), v])));
      out.replaceChildren(
        h('p', { class: 'muted summary' }, `${answer.row_count} row${answer.row_count === 1 ? '' : 's'}${answer.truncated ? ' (truncated: raise max rows)' : ''} in ${answer.elapsed_ms} ms`),
        table(rows, names, 5000),
      );
      out.dataset['state'] = 'ready';
    } catch (e) {
      out.replaceChildren(problemView(e));
      out.dataset['state'] = 'error';
      if (e instanceof ApiProblem) out.dataset['status'] = String(e.status);
    }
  };
  const csv = async () => {
    setDebugToken(token.value);
    try {
      await saveResponse(await request(sql.value, Number(maxRows.value) || 1000, 'csv'), 'query.csv');
    } catch (e) {
      out.replaceChildren(problemView(e));
    }
  };
  sql.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  });
  const form = h(
    'form',
    { class: 'notebook', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
    h('p', { class: 'muted' }, 'One read-only SELECT over the blog snapshot (tables country, user, blog, blog_view). The server must have DEBUG_TOKEN set; the token stays in this tab.'),
    sql,
    h(
      'div',
      { class: 'notebook-bar' },
      h('label', null, 'Token ', token),
      h('label', null, 'max rows ', maxRows),
      h('button', { type: 'submit', class: 'run' }, 'Run (Ctrl+Enter)'),
      h('button', { type: 'button', class: 'csv', onclick: () => void csv() }, 'CSV'),
      h('button', { type: 'button', onclick: () => { token.value = ''; setDebugToken(''); } }, 'Forget token'),
    ),
    out,
  );
  // A link with SQL reruns it where the tab holds a token.
  if (s.sql && debugToken()) void run();
  return form;
}
