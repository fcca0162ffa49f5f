// The filter builder's tree and the API's filter JSON (README "The filter language"), both
// ways: the page writes {"operator", "conditions"} groups and {"field", "op", "value"}
// leaves, and reads the shorthand ({"and": [...]}, {"not": {...}}) of hand-made links too.
export interface Field {
  readonly path: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly operators: readonly string[];
}

export interface Leaf {
  kind: 'leaf';
  field: string;
  op: string;
  /** What the person typed: one text, or two for `between`. */
  text: string;
  text2: string;
}

export interface Group {
  kind: 'group';
  op: 'and' | 'or' | 'not';
  items: Node[];
}

export type Node = Leaf | Group;

export const LIST_OPS = new Set(['in', 'not_in']);

export const emptyGroup = (): Group => ({ kind: 'group', op: 'and', items: [] });

export function newLeaf(field: Field | undefined): Leaf {
  return { kind: 'leaf', field: field?.path ?? '', op: field?.operators[0] ?? 'eq', text: '', text2: '' };
}

/** One typed value from its text, by the field's type: integers and booleans as JSON
 *  numbers and booleans, decimals as exact strings, everything else as text. Text that is
 *  no such value goes as it is, and the API's 400 says what is wrong with it. */
export function typed(type: string, text: string): unknown {
  const t = text.trim();
  if (type === 'integer' && /^-?\d+$/.test(t)) return Number(t);
  if (type === 'boolean' && (t === 'true' || t === 'false')) return t === 'true';
  if (type === 'integer' || type === 'boolean' || type === 'decimal' || type === 'date' || type === 'timestamp' || type === 'uuid') return t;
  return text;
}

function leafValue(leaf: Leaf, type: string): unknown {
  if (leaf.op === 'isnull') return leaf.text !== 'false';
  if (LIST_OPS.has(leaf.op)) return leaf.text.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => typed(type, x));
  if (leaf.op === 'between') return [typed(type, leaf.text), typed(type, leaf.text2)];
  return typed(type, leaf.text);
}

export function toApi(node: Node, fields: ReadonlyMap<string, Field>): unknown {
  if (node.kind === 'leaf') return { field: node.field, op: node.op, value: leafValue(node, fields.get(node.field)?.type ?? 'text') };
  return { operator: node.op, conditions: node.items.map((n) => toApi(n, fields)) };
}

/** The filter's JSON text, or '' for an empty top-level `and` (no filter). */
export function filterJson(root: Group, fields: ReadonlyMap<string, Field>): string {
  return root.op === 'and' && root.items.length === 0 ? '' : JSON.stringify(toApi(root, fields));
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function fromApi(json: unknown): Node {
  if (!json || typeof json !== 'object') return emptyGroup();
  const o = json as Record<string, unknown>;
  if (typeof o['field'] === 'string') {
    const op = String(o['op'] ?? o['operator'] ?? 'eq');
    const v = o['value'];
    if (op === 'isnull') return { kind: 'leaf', field: o['field'], op, text: v === false ? 'false' : 'true', text2: '' };
    if (Array.isArray(v) && op === 'between') return { kind: 'leaf', field: o['field'], op, text: text(v[0]), text2: text(v[1]) };
    if (Array.isArray(v)) return { kind: 'leaf', field: o['field'], op, text: v.map(text).join(', '), text2: '' };
    return { kind: 'leaf', field: o['field'], op, text: text(v), text2: '' };
  }
  const groupOp = (['and', 'or', 'not'] as const).find((k) => k in o);
  if (groupOp) {
    const inner = o[groupOp];
    return { kind: 'group', op: groupOp, items: (Array.isArray(inner) ? inner : [inner]).map(fromApi) };
  }
  const op = o['operator'];
  if ((op === 'and' || op === 'or' || op === 'not') && Array.isArray(o['conditions'])) return { kind: 'group', op, items: o['conditions'].map(fromApi) };
  return emptyGroup();
}

/** The builder's root: always a group (a lone condition is wrapped in an `and`). */
export function rootFromText(json: string): Group {
  if (!json) return emptyGroup();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return emptyGroup();
  }
  const n = fromApi(parsed);
  return n.kind === 'group' ? n : { kind: 'group', op: 'and', items: [n] };
}
