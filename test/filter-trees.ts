// Random filter trees in both of the language's forms (spec section 3), over every field and
// operator, with values drawn from the rows a test filters (nulls, unicode, quotes, %, _)
// and awkward literals: for differential tests against filter-semantics.ts.
import { TYPES, ms } from './filter-semantics.ts';
import type { Json } from './filter-semantics.ts';
import type { ViewRow } from './flat-views.ts';

export const OPS: Record<string, string[]> = {
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull'],
  timestamp: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull'],
  text: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'between', 'exact', 'isnull', 'contains', 'not_contains', 'icontains',
    'startswith', 'istartswith', 'endswith', 'iendswith', 'iexact', 'regex'],
};
const AWKWARD = ['%', '_', '\\', "'", '"', '', 'é', 'ÉTÉ', '日本', '%c_', 'a\\b', "o'b", 'æøå', ' ', '--', ';'];
const PATTERNS = ['^[A-M]', 'a.c', '\\d', '(?i)the', 'ing$', '[%_]', '日本', "'", '^$', 'e{2}', '[[:upper:]]{2}', '\\\\'];

/** An instant (epoch ms) as a filter value: ISO 8601 UTC, with an offset, or its date. */
export function instantValue(r: () => number, t: number): string {
  const iso = new Date(t).toISOString();
  const form = r();
  if (form < 0.4) return iso;
  if (form < 0.7) return new Date(t + 2 * 3_600_000).toISOString().slice(0, 19) + '+02:00';
  return iso.slice(0, 10);
}

/** A text filter value near `v`: itself, upper-cased, a piece of it, or an awkward string. */
export function textValue(r: () => number, v: string | null, awkward: readonly string[]): string {
  if (v === null || r() < 0.25) return awkward[Math.floor(r() * awkward.length)]!;
  const form = r();
  if (form < 0.4) return v;
  if (form < 0.6) return v.toUpperCase();
  const a = Math.floor(r() * v.length);
  return v.slice(a, a + 1 + Math.floor(r() * 4));
}

/** A random tree: leaves on random paths with values sampled from `rows`; groups nest up to
 *  `maxDepth` levels below the root. */
export function randomTree(r: () => number, rows: readonly ViewRow[], maxDepth = 4): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const paths = Object.keys(TYPES);
  const sample = (field: string): Json => {
    const type = TYPES[field]!;
    const v = rows[Math.floor(r() * rows.length)]![field] ?? null;
    if (type === 'integer') return v !== null && r() < 0.8 ? (v as number) + pick([0, 0, 0, 1, -1]) : pick([0, -1, 1, 2, 999999]);
    if (type === 'timestamp') {
      const t = v !== null ? ms(v as string) + pick([0, 0, 1000, -1000, 86_400_000]) : Date.UTC(2026, 0, 1);
      return instantValue(r, t);
    }
    return textValue(r, v as string | null, AWKWARD);
  };
  const leaf = (): Json => {
    const field = pick(paths);
    const op = pick(OPS[TYPES[field]!]!);
    let value: Json;
    if (op === 'isnull') value = r() < 0.5;
    else if (op === 'regex') value = pick(PATTERNS);
    else if (op === 'in' || op === 'not_in') value = Array.from({ length: 1 + Math.floor(r() * 4) }, () => sample(field));
    else if (op === 'between') value = [sample(field), sample(field)];
    else value = sample(field);
    return r() < 0.5 ? { field, operator: op, value } : { field, op, value };
  };
  const node = (depth: number): Json => {
    if (depth >= maxDepth || r() < 0.45) return leaf();
    const kids = () => Array.from({ length: Math.floor(r() * 4) }, () => node(depth + 1));
    const form = r();
    if (form < 0.2) return { operator: pick(['and', 'or', 'not']), conditions: kids() };
    if (form < 0.4) return { and: kids() };
    if (form < 0.6) return { or: kids() };
    if (form < 0.75) return { not: node(depth + 1) };
    return { operator: pick(['and', 'or']), conditions: kids() };
  };
  return node(0);
}
