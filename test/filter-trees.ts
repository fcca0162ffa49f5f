// Random filter trees in both of the language's forms (spec section 3), over a list of
// fields with their operators (as GET /api/v1/meta lists them), with values drawn from the
// rows a test filters (nulls, unicode, quotes, %, _, decimals at cent edges, instants a
// second or a day off) and awkward literals: for differential tests against brute-force
// evaluators (filter-semantics.ts for the blog, catalog-semantics.ts for any catalog).
import { units } from './catalog-semantics.ts';
import type { Kind, Value } from './catalog-semantics.ts';
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

/** A field as GET /api/v1/meta lists it: its path from the root, type and operators. */
export interface TreeField {
  readonly path: string;
  readonly type: string;
  readonly operators: readonly string[];
}

export interface TreeSource {
  readonly fields: readonly TreeField[];
  /** A value to compare the field with (usually one near a value in the data). */
  readonly sample: (field: TreeField) => Json;
  /** RE2 patterns for `regex`. */
  readonly patterns: readonly string[];
  /** Groups nest up to this many levels below the root (default 4). */
  readonly maxDepth?: number;
  /** Now and then a list of up to 8 values (default: up to 4). */
  readonly longLists?: boolean;
  /** Leaves to make first (taken from the front as trees are made), before random ones:
   *  so that every operator of every type appears, however the draws fall. */
  readonly cover?: { field: TreeField; op: string }[];
}

/** A random tree: leaves on random fields with random operators, both spellings of a leaf
 *  and of a group, and, or, not, empty groups. */
export function fieldTree(r: () => number, s: TreeSource): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maxDepth = s.maxDepth ?? 4;
  const leaf = (): Json => {
    const first = s.cover?.shift();
    const field = first?.field ?? pick(s.fields);
    const op = first?.op ?? pick(field.operators);
    let value: Json;
    if (op === 'isnull') value = r() < 0.5;
    else if (op === 'regex') value = pick(s.patterns);
    else if (op === 'in' || op === 'not_in') value = Array.from({ length: 1 + Math.floor(r() * (s.longLists && r() < 0.3 ? 8 : 4)) }, () => s.sample(field));
    else if (op === 'between') value = [s.sample(field), s.sample(field)];
    else value = s.sample(field);
    return r() < 0.5 ? { field: field.path, operator: op, value } : { field: field.path, op, value };
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

const BLOG_FIELDS: readonly TreeField[] = Object.entries(TYPES).map(([path, type]) => ({ path, type, operators: OPS[type]! }));

/** A random tree over the blog's paths, with values sampled from `rows`. */
export function randomTree(r: () => number, rows: readonly ViewRow[], maxDepth = 4): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sample = ({ path: field }: TreeField): Json => {
    const type = TYPES[field]!;
    const v = rows[Math.floor(r() * rows.length)]![field] ?? null;
    if (type === 'integer') return v !== null && r() < 0.8 ? (v as number) + pick([0, 0, 0, 1, -1]) : pick([0, -1, 1, 2, 999999]);
    if (type === 'timestamp') {
      const t = v !== null ? ms(v as string) + pick([0, 0, 1000, -1000, 86_400_000]) : Date.UTC(2026, 0, 1);
      return instantValue(r, t);
    }
    return textValue(r, v as string | null, AWKWARD);
  };
  return fieldTree(r, { fields: BLOG_FIELDS, sample, patterns: PATTERNS, maxDepth });
}

/** Literals for values the data does not suggest (or a null in it). */
export interface ValuePools {
  readonly text: readonly string[];
  readonly integers: readonly number[];
  readonly decimals: readonly string[];
  /** Epoch ms. */
  readonly instant: number;
  readonly days?: readonly string[];
  readonly uuids?: readonly string[];
}

const DAY_MS = 86_400_000;
const shiftDay = (d: string, n: number) => new Date(Date.parse(d) + n * DAY_MS).toISOString().slice(0, 10);
const decimalText = (n: bigint, scale: number): string => {
  const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
  return `${n < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale ? `.${digits.slice(digits.length - scale)}` : ''}`;
};
/** `s` plus `delta` units of 10^-scale (at least `scale` decimals). */
function decimalPlus(s: string, delta: number, scale: number): string {
  const [n, sc] = units(s);
  const at = Math.max(sc, scale);
  return decimalText(n * 10n ** BigInt(at - sc) + BigInt(delta) * 10n ** BigInt(at - scale), at);
}

/** A value of `kind` near `v` (a value from the data, or null): itself, in another spelling
 *  (a decimal with more zeros, as a JSON number, an upper-case UUID, an instant with an
 *  offset or as a date), a cent, half a cent, a second or a day off, or a pool's literal. */
export function valueNear(r: () => number, kind: Kind, v: Value, pools: ValuePools): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  switch (kind) {
    case 'integer':
      return v !== null && r() < 0.8 ? (v as number) + pick([0, 0, 1, -1]) : pick(pools.integers);
    case 'decimal': {
      if (v === null || r() < 0.25) return pick(pools.decimals);
      const s = v as string;
      const form = r();
      if (form < 0.3) return s;
      if (form < 0.45) return s.includes('.') ? `${s}00` : `${s}.0`;
      if (form < 0.6) return Number(s);
      if (form < 0.7) return s.startsWith('-') ? s.slice(1) : `-${s}`;
      if (form < 0.85) return decimalPlus(s, pick([1, -1]), 2);
      return decimalPlus(s, pick([5, -5]), 3);
    }
    case 'date':
      return v !== null && r() < 0.8 ? shiftDay(v as string, pick([0, 0, 1, -1])) : pick(pools.days ?? ['2024-02-29']);
    case 'boolean':
      return v !== null && r() < 0.5 ? v : r() < 0.5;
    case 'uuid': {
      if (v === null || r() < 0.15) return pick(pools.uuids ?? ['00000000-0000-4000-8000-000000000000']);
      return r() < 0.5 ? (v as string).toUpperCase() : v;
    }
    case 'timestamp': {
      const t = v !== null ? Date.parse((v as string).replace(' ', 'T') + 'Z') + pick([0, 0, 1000, -1000, DAY_MS]) : pools.instant;
      return instantValue(r, t);
    }
    case 'text':
      return textValue(r, v as string | null, pools.text);
  }
}
