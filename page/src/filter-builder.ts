// The filter builder: conditions (field, operator, typed value) in and/or/not groups, with
// the fields and operators of GET /api/v1/meta?dataset=NAME&root=TABLE. What it builds is
// shown as the API's JSON and applied to the view's URL; the panels send it as `filters`.
import { getJson } from './api.ts';
import { h, select } from './dom.ts';
import { emptyGroup, filterJson, LIST_OPS, newLeaf, rootFromText } from './filter-model.ts';
import type { Field, Group, Leaf, Node } from './filter-model.ts';
import { problemView } from './problem.ts';

export interface BuilderOptions {
  readonly dataset: string;
  /** The tables the dashboard's panels filter from (the first: the default). */
  readonly roots: readonly string[];
  readonly root: string;
  readonly json: string;
  apply(root: string, json: string): void;
}

const metaCache = new Map<string, Promise<Field[]>>();
function fieldsOf(dataset: string, root: string): Promise<Field[]> {
  const key = `${dataset}/${root}`;
  let p = metaCache.get(key);
  if (!p) {
    p = getJson<{ fields: Field[] }>('meta', { dataset, root }).then((m) => m.fields);
    p.catch(() => metaCache.delete(key));
    metaCache.set(key, p);
  }
  return p;
}

interface DatasetMeta {
  readonly root: string;
  readonly measures?: readonly { name: string }[];
  readonly dimensions?: readonly { path: string }[];
}

const datasetMeta = new Map<string, Promise<DatasetMeta>>();
const suggestions = new Map<string, Promise<string[]>>();
const SUGGESTING = new Set(['eq', 'ne', 'exact', 'iexact', 'startswith', 'istartswith', 'contains', 'icontains']);

/** The most frequent values of a text field, from the query endpoint (grouped by the field,
 *  by the dataset's first measure): only for paths from the fact root that it groups by. */
function suggest(dataset: string, root: string, path: string): Promise<string[]> {
  const key = `${dataset}/${root}/${path}`;
  let p = suggestions.get(key);
  if (!p) {
    let m = datasetMeta.get(dataset);
    if (!m) datasetMeta.set(dataset, (m = getJson<DatasetMeta>('meta', { dataset })));
    p = m.then(async (meta) => {
      const measure = meta.measures?.[0]?.name;
      if (meta.root !== root || !measure || !meta.dimensions?.some((d) => d.path === path)) return [];
      const q = await getJson<{ data: Record<string, unknown>[] }>(`${dataset}/query`, { measures: measure, dimensions: path, limit: '100' });
      return q.data.map((r) => r[path]).filter((v): v is string => typeof v === 'string');
    });
    p.catch(() => suggestions.delete(key));
    suggestions.set(key, p);
  }
  return p;
}

let lists = 0;

const GROUP_LABELS: readonly (readonly [string, string])[] = [['and', 'all of'], ['or', 'any of'], ['not', 'none of']];

function valueInputs(leaf: Leaf, field: Field | undefined, changed: () => void, suggestFrom?: (path: string) => Promise<string[]>): HTMLElement[] {
  const type = field?.type ?? 'text';
  const set = (k: 'text' | 'text2') => (e: Event) => {
    leaf[k] = (e.target as HTMLInputElement).value;
    changed();
  };
  if (leaf.op === 'isnull' || (type === 'boolean' && !LIST_OPS.has(leaf.op))) {
    if (leaf.text !== 'true' && leaf.text !== 'false') leaf.text = 'true';
    return [select(['true', 'false'], leaf.text, { class: 'value', 'aria-label': 'value', onchange: set('text') })];
  }
  if (LIST_OPS.has(leaf.op)) return [h('input', { class: 'value', 'aria-label': 'values', type: 'text', value: leaf.text, placeholder: 'a, b, c', oninput: set('text') })];
  const one = (k: 'text' | 'text2', label: string) => {
    const attrs: Record<string, unknown> = { class: 'value', 'aria-label': label, value: leaf[k], oninput: set(k) };
    if (type === 'integer') Object.assign(attrs, { type: 'number', step: '1' });
    else if (type === 'date') Object.assign(attrs, { type: 'date' });
    else if (type === 'decimal') Object.assign(attrs, { type: 'text', inputmode: 'decimal', placeholder: '12.50' });
    else if (type === 'timestamp') Object.assign(attrs, { type: 'text', placeholder: '2026-01-31T12:00:00Z', size: 22 });
    else Object.assign(attrs, { type: 'text' });
    const input = h('input', attrs);
    if (type !== 'text' || !SUGGESTING.has(leaf.op) || !suggestFrom) return input;
    // Frequent values to pick from, asked for when the field is first focused.
    const list = h('datalist', { id: `values-${++lists}` });
    input.setAttribute('list', list.id);
    const from = suggestFrom;
    input.addEventListener('focus', () => {
      if (list.childElementCount === 0) void from(leaf.field).then((vs) => list.replaceChildren(...vs.map((v) => h('option', { value: v }))), () => {});
    }, { once: true });
    return h('span', null, input, list);
  };
  return leaf.op === 'between' ? [one('text', 'from'), h('span', null, ' and '), one('text2', 'to')] : [one('text', 'value')];
}

export function filterBuilder(o: BuilderOptions): HTMLElement {
  let root = o.roots.includes(o.root) ? o.root : o.roots[0]!;
  let tree: Group = rootFromText(o.root === root ? o.json : '');
  let fields: Field[] = [];
  let byPath = new Map<string, Field>();
  const treeEl = h('div', { class: 'tree' });
  const preview = h('code', { class: 'filter-json' });
  const problems = h('div');
  const el = h('form', { class: 'filter-builder', onsubmit: (e: Event) => { e.preventDefault(); o.apply(root, filterJson(tree, byPath)); } });

  const changed = () => {
    preview.textContent = filterJson(tree, byPath) || '(no filter)';
  };
  const redraw = () => {
    treeEl.replaceChildren(groupView(tree, undefined));
    changed();
  };

  function leafView(leaf: Leaf, parent: Group): HTMLElement {
    const field = byPath.get(leaf.field);
    const fieldSel = select(fields.map((f) => [f.path, `${f.path} (${f.type})`] as const), leaf.field, {
      class: 'field',
      'aria-label': 'field',
      onchange: (e: Event) => {
        leaf.field = (e.target as HTMLSelectElement).value;
        const ops = byPath.get(leaf.field)?.operators ?? [];
        if (!ops.includes(leaf.op)) leaf.op = ops[0] ?? 'eq';
        redraw();
      },
    });
    const opSel = select(field?.operators ?? [leaf.op], leaf.op, {
      class: 'op',
      'aria-label': 'operator',
      onchange: (e: Event) => {
        leaf.op = (e.target as HTMLSelectElement).value;
        redraw();
      },
    });
    const remove = h('button', { type: 'button', class: 'remove', title: 'remove this condition', onclick: () => { parent.items.splice(parent.items.indexOf(leaf), 1); redraw(); } }, '×');
    return h('div', { class: 'leaf' }, fieldSel, opSel, ...valueInputs(leaf, field, changed, (path) => suggest(o.dataset, root, path)), remove);
  }

  function groupView(g: Group, parent: Group | undefined): HTMLElement {
    const add = (n: Node) => () => {
      g.items.push(n);
      redraw();
    };
    return h(
      'div',
      { class: 'group', 'data-op': g.op },
      h(
        'div',
        { class: 'group-head' },
        select(GROUP_LABELS, g.op, { class: 'group-op', 'aria-label': 'group', onchange: (e: Event) => { g.op = (e.target as HTMLSelectElement).value as Group['op']; redraw(); } }),
        h('button', { type: 'button', class: 'add-condition', onclick: () => add(newLeaf(fields[0]))() }, '+ condition'),
        h('button', { type: 'button', class: 'add-group', onclick: () => add(emptyGroup())() }, '+ group'),
        parent ? h('button', { type: 'button', class: 'remove', title: 'remove this group', onclick: () => { parent.items.splice(parent.items.indexOf(g), 1); redraw(); } }, '×') : null,
      ),
      h('div', { class: 'items' }, ...g.items.map((n) => (n.kind === 'leaf' ? leafView(n, g) : groupView(n, g)))),
    );
  }

  const load = () => {
    problems.replaceChildren();
    fieldsOf(o.dataset, root).then(
      (f) => {
        fields = f;
        byPath = new Map(f.map((x) => [x.path, x]));
        redraw();
      },
      (e: unknown) => problems.replaceChildren(problemView(e)),
    );
  };
  const rootSel =
    o.roots.length > 1
      ? h('label', null, 'on ', select(o.roots, root, { name: 'root', onchange: (e: Event) => { root = (e.target as HTMLSelectElement).value; tree = emptyGroup(); load(); } }))
      : h('span', { class: 'muted' }, `on ${root}`);
  el.append(
    h('div', { class: 'builder-head' }, h('strong', null, 'Filter'), ' ', rootSel),
    treeEl,
    problems,
    h('div', { class: 'builder-foot' }, h('button', { type: 'submit', class: 'apply' }, 'Apply filter'), h('button', { type: 'button', class: 'clear', onclick: () => { tree = emptyGroup(); redraw(); o.apply(root, ''); } }, 'Clear'), ' ', preview),
  );
  load();
  return el;
}
