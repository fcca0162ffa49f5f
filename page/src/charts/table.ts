// A table of rows: a chart's data for reading, the ranked lists, the notebook's results.
// Long answers are cut to `max` rows; the CSV has them all. Each cell keeps the answer's
// value as JSON (`data-value`), so what is shown can be checked against the API exactly.
import { h } from '../dom.ts';
import { formatValue, numeric } from '../format.ts';
import type { Column, Row } from '../dashboards/types.ts';

export function table(rows: readonly Row[], columns?: readonly Column[], max = 500): HTMLElement {
  const cols = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key, label: key }));
  const body = h('tbody');
  for (const r of rows.slice(0, max)) {
    body.append(h('tr', null, ...cols.map((c) => h('td', { class: numeric(r[c.key]) ? 'num' : undefined, 'data-key': c.key, 'data-value': JSON.stringify(r[c.key] ?? null) }, formatValue(r[c.key])))));
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', null, h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, c.label)))), body),
    rows.length > max ? h('p', { class: 'muted' }, `first ${max} of ${rows.length} rows; the CSV has them all`) : null,
  );
}

/** Figures in tiles: one row's named values. */
export function kpis(row: Row | undefined, items: readonly Column[]): HTMLElement {
  return h('div', { class: 'kpis' }, ...items.map((i) => h('div', { class: 'kpi', 'data-key': i.key, 'data-value': JSON.stringify(row?.[i.key] ?? null) }, h('span', { class: 'kpi-value' }, formatValue(row?.[i.key])), h('span', { class: 'kpi-label' }, i.label))));
}
