// The filter differential of filter-roots-differential.test.ts, on ClickHouse: random filter
// trees over every filterable path of every root of the toy dataset (UUID keys and
// references, DATE, nullable BOOLEAN, DECIMAL with negatives, INTEGER, TIMESTAMP, computed
// columns, one-to-many relations, awkward text), compiled by the ClickHouse dialect and run
// on chdb over the toy tables, must select exactly what the brute-force evaluator selects
// (toy-semantics.ts), as DuckDB's does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { chType, clickhouse } from '../engine/dialect/clickhouse.ts';
import type { CastType } from '../engine/dialect/dialect.ts';
import { buildFields, filterableFields } from '../engine/fields.ts';
import type { FieldMap } from '../engine/fields.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { Params } from '../engine/params.ts';
import { ident } from '../engine/sql.ts';
import { rng } from './helpers.ts';
import { instantValue, textValue } from './filter-trees.ts';
import { toyCatalog, toyData, toyDatabase } from './toy-dataset.ts';
import type { ToyRow } from './toy-dataset.ts';
import { ToyWorld } from './toy-semantics.ts';
import type { Json, Kind } from './toy-semantics.ts';
import { SPEC_OPERATORS } from './spec-operators.ts';

const TREES_PER_ROOT = 150;
const data = toyData();
const world = new ToyWorld(data);
let duck: Database;
let ch: ClickHouse;
const work = mkdtempSync(join(tmpdir(), 'chtoy-'));

/** Each toy table copied into ClickHouse through Parquet, every column Nullable of its type. */
beforeAll(async () => {
  duck = await toyDatabase(data);
  ch = await ClickHouse.connect({ database: 'toy_filters' });
  for (const table of ['customer', 'order', 'order_item', 'fact_item']) {
    const cols = (await duck.query(`SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table])).rows;
    const file = join(work, `${table}.parquet`);
    const select = cols.map((x) => (x['t'] === 'UUID' ? `CAST(${ident(String(x['c']))} AS VARCHAR) AS ${ident(String(x['c']))}` : ident(String(x['c']))));
    await duck.exec(`COPY (SELECT ${select.join(', ')} FROM ${ident(table)}) TO '${file}' (FORMAT PARQUET)`);
    await ch.exec(`DROP TABLE IF EXISTS ${ident(table)}`);
    const type = (t: string): string => (t === 'INTEGER' ? 'Int32' : chType(t.replace(/^DECIMAL\((\d+),(\d+)\)$/, 'DECIMAL($1,$2)') as CastType));
    await ch.exec(`CREATE TABLE ${ident(table)} (${cols.map((x) => `${ident(String(x['c']))} Nullable(${type(String(x['t']))})`).join(', ')}) ENGINE = MergeTree ORDER BY tuple()`);
    await ch.insertParquet(ident(table), file);
  }
}, 120_000);
afterAll(async () => {
  duck?.close();
  await ch?.close();
  rmSync(work, { recursive: true, force: true });
});

const ROOTS = {
  order_item: { from: 'fact_item', key: 'item_id', fields: buildFields(toyCatalog) },
  order: { from: '"order"', key: 'id', fields: buildFields(toyCatalog, 'order') },
  customer: { from: 'customer', key: 'id', fields: buildFields(toyCatalog, 'customer') },
} as const satisfies Record<string, { from: string; key: string; fields: FieldMap }>;
type Root = keyof typeof ROOTS;

const OPS: Readonly<Record<Kind, readonly string[]>> = SPEC_OPERATORS;
const AWKWARD = ['%', '_', '\\', "'", '"', '', 'é', 'ÉTÉ', '日本', "o'b", ' / ', '?', 'paris', 'Widget', '50%'];
const PATTERNS = ['^[A-M]', 'a.c', '\\d', '(?i)paris', 'et$', '[%_]', '日本', "'", '^$', '\\\\', ' / \\?$'];
const DECIMALS = ['0', '-5', '0.105', '100', '0.3', '19.990', '-0.01', '9999999999.99', '1234567890.12'];
const DAYS = ['2024-02-29', '1999-12-31', '2000-01-01', '2024-03-01', '2023-12-31'];

const DAY_MS = 86_400_000;
const shiftDay = (d: string, n: number) => new Date(Date.parse(d) + n * DAY_MS).toISOString().slice(0, 10);

function tree(root: Root, r: () => number): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rows: ToyRow[] = data[root];
  const paths = filterableFields(ROOTS[root].fields).map((f) => f.path);
  const sample = (field: string, kind: Kind): Json => {
    const { values } = world.resolve(root, pick(rows), field);
    const v = values.length ? pick(values) : null;
    switch (kind) {
      case 'integer':
        return v !== null && r() < 0.8 ? (v as number) + pick([0, 0, 1, -1]) : pick([0, -1, 1, 1000, 1010]);
      case 'decimal': {
        if (v === null || r() < 0.25) return pick(DECIMALS);
        const s = v as string;
        const form = r();
        if (form < 0.4) return s;
        if (form < 0.6) return s.includes('.') ? `${s}00` : `${s}.0`;
        if (form < 0.8) return Number(s);
        return s.startsWith('-') ? s.slice(1) : `-${s}`;
      }
      case 'date':
        return v !== null && r() < 0.8 ? shiftDay(v as string, pick([0, 0, 1, -1])) : pick(DAYS);
      case 'boolean':
        return v !== null && r() < 0.5 ? v : r() < 0.5;
      case 'uuid': {
        if (v === null || r() < 0.15) return pick(data.customer)['id'] as string;
        return r() < 0.5 ? (v as string).toUpperCase() : v;
      }
      case 'timestamp': {
        const t = v !== null ? Date.parse((v as string).replace(' ', 'T') + 'Z') + pick([0, 0, 1000, -1000, DAY_MS]) : Date.UTC(2024, 1, 29);
        return instantValue(r, t);
      }
      case 'text':
        return textValue(r, v as string | null, AWKWARD);
    }
  };
  const leaf = (): Json => {
    const field = pick(paths);
    const kind = world.resolve(root, rows[0]!, field).kind;
    const op = pick(OPS[kind]);
    let value: Json;
    if (op === 'isnull') value = r() < 0.5;
    else if (op === 'regex') value = pick(PATTERNS);
    // Long lists too: bound as one typed LIST parameter.
    else if (op === 'in' || op === 'not_in') value = Array.from({ length: 1 + Math.floor(r() * (r() < 0.3 ? 8 : 4)) }, () => sample(field, kind));
    else if (op === 'between') value = [sample(field, kind), sample(field, kind)];
    else if (['contains', 'not_contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'iexact'].includes(op)) value = sample(field, 'text');
    else value = sample(field, kind);
    return r() < 0.5 ? { field, operator: op, value } : { field, op, value };
  };
  const node = (depth: number): Json => {
    if (depth >= 4 || r() < 0.45) return leaf();
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

describe('the filter differential of the toy dataset, on ClickHouse', () => {
  for (const root of Object.keys(ROOTS) as Root[]) {
    it(`${TREES_PER_ROOT} random trees from ${root} select exactly what the evaluator selects`, async () => {
      const { from, key, fields } = ROOTS[root];
      const r = rng(19_000 + root.length);
      let nonTrivial = 0;
      for (let i = 0; i < TREES_PER_ROOT; i++) {
        const t = tree(root, r);
        const node = parseFilter(t, toyCatalog, fields)!;
        const p = new Params(clickhouse);
        const sql = compileFilter(node, fields, p, ident, clickhouse);
        const got = (
          await ch.query(`SELECT ${key} AS k FROM ${from} WHERE ${sql}`, p.values).catch((e: unknown) => {
            throw new Error(`${(e as Error).message}\n${sql}\n${JSON.stringify(p.values)}`);
          })
        ).rows.map((x) => x['k'] as string | number).sort();
        const want = data[root].filter((row) => world.holds(t as { [k: string]: Json }, root, row)).map((row) => row[key] as string | number).sort();
        if (got.length !== want.length || got.some((g, j) => g !== want[j])) {
          expect({ tree: t, sql, params: p.values, got, want }).toBeUndefined();
        }
        if (want.length > 0 && want.length < data[root].length) nonTrivial++;
      }
      expect(nonTrivial).toBeGreaterThan(TREES_PER_ROOT / 3);
    }, 300_000);
  }
});
