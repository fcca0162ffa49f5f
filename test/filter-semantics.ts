// The filter language's semantics (spec section 3), written independently of the engine's
// compiler: a filter's JSON evaluated on one row keyed by filter path (flat-views.ts).
// Two-valued: a positive operator on null is false, its negation true.
import { RE2JS } from 're2js';
import type { ViewRow } from './flat-views.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The paths and types of the spec's field table (section 3), written out here. */
const I = 'integer' as const;
const T = 'text' as const;
const S = 'timestamp' as const;
export const TYPES: Record<string, 'integer' | 'text' | 'timestamp'> = {
  id: I, duration: I, viewed_at: S,
  user: I, user__id: I, user__username: T, user__first_name: T, user__last_name: T,
  country: I, country__id: I, country__name: T, country__code: T,
  blog: I, blog__id: I, blog__title: T, blog__created_at: S,
  blog__author: I, blog__author__id: I, blog__author__username: T, blog__author__first_name: T, blog__author__last_name: T,
  blog__country: I, blog__country__id: I, blog__country__name: T, blog__country__code: T,
};

export const ms = (s: string) => Date.parse(s.includes(' ') ? s.replace(' ', 'T') + 'Z' : s);

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
/** Epoch microseconds of a row's `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) or of an ISO 8601 value
 *  (a date alone: UTC midnight; no offset: UTC): Date.parse would drop the microseconds. */
export function micros(s: string): number {
  const m = INSTANT.exec(s);
  if (!m) throw new Error(`evaluator: not an instant: ${s}`);
  const [y, mo, d, h = '0', mi = '0', sec = '0', frac = '', off] = m.slice(1);
  let offMin = 0;
  if (off !== undefined && off.toUpperCase() !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    offMin = (off[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  return (wall - offMin * 60_000) * 1000 + Number((frac + '000000').slice(0, 6));
}

function compare(type: string, a: number | string, b: Json): number {
  if (type === 'integer') return (a as number) - (b as number);
  if (type === 'timestamp') return micros(a as string) - micros(b as string);
  return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
}

export function holds(n: { [k: string]: Json }, row: ViewRow): boolean {
  if ('conditions' in n) {
    const cs = (n['conditions'] as { [k: string]: Json }[]).map((c) => holds(c, row));
    if (n['operator'] === 'and') return cs.every(Boolean);
    if (n['operator'] === 'or') return cs.some(Boolean);
    return !cs.some(Boolean);
  }
  if ('and' in n) return (n['and'] as { [k: string]: Json }[]).every((c) => holds(c, row));
  if ('or' in n) return (n['or'] as { [k: string]: Json }[]).some((c) => holds(c, row));
  if ('not' in n) return !holds(n['not'] as { [k: string]: Json }, row);
  const field = n['field'] as string;
  const type = TYPES[field]!;
  const v = row[field] ?? null;
  const val = n['value'] as Json;
  const op = (n['operator'] ?? n['op']) as string;
  const lo = (s: Json) => String(s).toLowerCase();
  switch (op) {
    case 'eq':
    case 'exact':
      return v !== null && compare(type, v, val) === 0;
    case 'ne':
      return !(v !== null && compare(type, v, val) === 0);
    case 'gt':
      return v !== null && compare(type, v, val) > 0;
    case 'gte':
      return v !== null && compare(type, v, val) >= 0;
    case 'lt':
      return v !== null && compare(type, v, val) < 0;
    case 'lte':
      return v !== null && compare(type, v, val) <= 0;
    case 'in':
      return v !== null && (val as Json[]).some((x) => compare(type, v, x) === 0);
    case 'not_in':
      return !(v !== null && (val as Json[]).some((x) => compare(type, v, x) === 0));
    case 'between':
      return v !== null && compare(type, v, (val as Json[])[0]!) >= 0 && compare(type, v, (val as Json[])[1]!) <= 0;
    case 'contains':
    case 'icontains':
      return v !== null && lo(v).includes(lo(val));
    case 'not_contains':
      return !(v !== null && lo(v).includes(lo(val)));
    case 'startswith':
    case 'istartswith':
      return v !== null && lo(v).startsWith(lo(val));
    case 'endswith':
    case 'iendswith':
      return v !== null && lo(v).endsWith(lo(val));
    case 'iexact':
      return v !== null && lo(v) === lo(val);
    case 'regex':
      return v !== null && RE2JS.compile(val as string).matcher(v as string).find();
    case 'isnull':
      return val === true ? v === null : v !== null;
  }
  throw new Error(`evaluator: unknown operator ${op}`);
}

/** A view's path names the blog or something of the blog's. */
const isBlogPath = (path: string) => path === 'blog' || path.startsWith('blog__');

function fieldsOf(n: Json): string[] {
  if (n === null || typeof n !== 'object') return [];
  if (Array.isArray(n)) return n.flatMap(fieldsOf);
  if (typeof n['field'] === 'string') return [n['field']];
  return Object.entries(n).filter(([k]) => k !== 'value').flatMap(([, v]) => fieldsOf(v));
}

/** The top-level conjuncts of a filter that name only blog-side fields (spec 5.3: these
 *  restrict the blogs a performance series counts). */
export function blogSideConjuncts(filter: Json | undefined): Json[] {
  if (filter === undefined || filter === null || typeof filter !== 'object' || Array.isArray(filter)) return [];
  const conjuncts = Array.isArray(filter['and']) ? filter['and'] : filter['operator'] === 'and' && Array.isArray(filter['conditions']) ? filter['conditions'] : [filter];
  return conjuncts.filter((c) => fieldsOf(c).every(isBlogPath));
}
