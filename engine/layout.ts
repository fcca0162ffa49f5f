// The snapshot's physical layout, compiled from the catalog: the SQL that turns validated
// staging tables into the tables queries read. Pure: returns statements, runs nothing.
import type { Catalog, FactColumnDef } from './catalog.ts';
import { tableDef, tableKey } from './catalog.ts';
import { ident, sqlInteger } from './sql.ts';
import { intervalsLayout } from './layout-intervals.ts';
import { rollupStatements, rollupWhereSql } from './layout-rollups.ts';

/** What the layout needs to know of the staged data. */
export interface LayoutFacts {
  /** Per table of ids (DistinctSetDef.ids), the key range its distinct sets are built
   *  over, where they are to be built (see distinctSetsFit). */
  readonly idRanges?: Readonly<Record<string, { readonly min: number; readonly max: number }>> | undefined;
  /** The rollups to build (data/rollup-choice.ts); absent: every declared one. */
  readonly rollups?: ReadonlySet<string> | undefined;
  /** Per table of ids, the key range day sets over it span (catalog.daySets); a set whose
   *  table has none is not built. */
  readonly daySetIds?: Readonly<Record<string, { readonly min: number; readonly max: number }>> | undefined;
  /** Decimal summed columns whose rollup sums fit DECIMAL(18,s), stored so (data/rollup-choice.ts). */
  readonly narrowSums?: ReadonlySet<string> | undefined;
}

/** The longest bitstring a distinct set may be, stored or built on the fly. */
export const MAX_SET_BITS = 2 ** 24;

/** Stored distinct sets are bitstrings over an id range, one per key value and day or
 *  month. They save a scan of the window's rows (the (key, value) first-seen column reads
 *  each once): built only while all of them together are smaller than what they save
 *  reading, the fact table (~32 bytes a row), and at most 512 MiB. Sparse or evenly spread
 *  ids (300,000 blogs over 200 countries and two years: 5.6 GB) go without. Sets of at
 *  most 1 MiB in all are always built: on small data they cost nothing worth saving. */
export const SET_BUDGET_BYTES = 512 * 2 ** 20;
export const SET_FLOOR_BYTES = 2 ** 20;
export const FACT_BYTES_PER_ROW = 32;

export function distinctSetsFit(range: { min: number; max: number }, keys: number, days: number, rows: number): boolean {
  const bits = range.max - range.min + 1;
  const bytes = (bits / 8) * (keys + 1) * (days + days / 28 + 2);
  return bits > 0 && bits <= MAX_SET_BITS && bytes <= Math.min(SET_BUDGET_BYTES, Math.max(SET_FLOOR_BYTES, rows * FACT_BYTES_PER_ROW));
}

export const META_TABLE = 'snapshot_meta';
/** The index the layout builds on a table's UUID key. */
export const keyIndexName = (table: string): string => `${table}__key`;
export const stageName = (table: string): string => `stage_${table}`;

/** Resolves a fact column's path to a SQL expression over the staged root (alias r) and
 *  the related tables it needs, joined once each by relation path. */
interface Join {
  readonly alias: string;
  readonly sql: string;
}

function factExpression(catalog: Catalog, c: FactColumnDef, joins: Map<string, Join>): string {
  const parts = c.path.split('__');
  let table = tableDef(catalog, catalog.root);
  let alias = 'r';
  let prefix = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const rel = table.relations.find((r) => r.name === part);
    if (last) {
      if (rel) return `${alias}.${ident(rel.column)}`;
      if (!table.columns.some((x) => x.name === part)) throw new Error(`fact column ${c.name}: no column '${part}' on ${table.name}`);
      return `${alias}.${ident(part)}`;
    }
    if (!rel) throw new Error(`fact column ${c.name}: no relation '${part}' on ${table.name}`);
    prefix = prefix ? `${prefix}__${part}` : part;
    let join = joins.get(prefix);
    if (join === undefined) {
      const a = `j${joins.size}`;
      // A nullable reference keeps its row (its copied columns are null); a required one is
      // checked on import, so an inner join loses nothing and plans as one.
      const fk = table.columns.find((x) => x.name === rel.column);
      const kind = fk?.nullable ? 'LEFT JOIN' : 'JOIN';
      join = { alias: a, sql: `${kind} ${ident(stageName(rel.target))} ${a} ON ${a}.${ident(tableKey(tableDef(catalog, rel.target)))} = ${alias}.${ident(rel.column)}` };
      joins.set(prefix, join);
    }
    alias = join.alias;
    table = tableDef(catalog, rel.target);
  }
  throw new Error(`fact column ${c.name} has an empty path`);
}

/** The root table's columns as its view reads them from the fact table (or a projection of
 *  it, which has the same columns): the fact column copied from each, under the root's name. */
export function rootViewColumns(catalog: Catalog): string[] {
  const root = tableDef(catalog, catalog.root);
  const factByPath = new Map(catalog.fact.columns.map((c) => [c.path, c.name]));
  return root.columns.map((c) => {
    const rel = root.relations.find((r) => r.column === c.name);
    const factCol = factByPath.get(rel ? rel.name : c.name);
    if (!factCol) throw new Error(`root column ${c.name} is not in the fact table`);
    return factCol === c.name ? ident(c.name) : `${ident(factCol)} AS ${ident(c.name)}`;
  });
}

/** Which part of the layout a statement builds: an import reports its progress by part. */
export type LayoutPart = 'tables' | 'projections' | 'rollups' | 'distinct sets' | 'cleanup';

export interface LayoutStep {
  readonly part: LayoutPart;
  readonly sql: string;
}

/** Statements that build the final tables from `stage_<table>` tables, then drop those. */
export function layoutStatements(catalog: Catalog, facts: LayoutFacts = {}): string[] {
  return layoutSteps(catalog, facts).map((s) => s.sql);
}

/** The same statements, each with the part of the layout it builds, in order. */
export function layoutSteps(catalog: Catalog, facts: LayoutFacts = {}): LayoutStep[] {
  const steps: LayoutStep[] = [];
  const add = (part: LayoutPart, sql: string) => steps.push({ part, sql });
  for (const t of catalog.tables) {
    if (t.name === catalog.root) continue;
    const cols = t.columns.map((c) => ident(c.name)).join(', ');
    add('tables', `CREATE TABLE ${ident(t.name)} AS SELECT ${cols} FROM ${ident(stageName(t.name))} ORDER BY ${ident(tableKey(t))}`);
    // A UUID key is indexed: a lookup by key (one member, the check that it exists) scanned
    // a row group of 16-byte keys, its zone maps no help (~7 ms at 1M members, two per
    // request), where DuckDB reads the index in ~0.5 ms. Integer keys scan in ~0.3 ms.
    if (t.columns.find((c) => c.name === tableKey(t))?.sqlType === 'UUID') add('tables', `CREATE INDEX ${ident(keyIndexName(t.name))} ON ${ident(t.name)} (${ident(tableKey(t))})`);
  }
  // Insertion order is join order: a relation is joined before the ones reached through it.
  const joins = new Map<string, Join>();
  const select = catalog.fact.columns.map((c) => `${factExpression(catalog, c, joins)} AS ${ident(c.name)}`);
  const joinText = [...joins.values()].map((j) => j.sql);
  const order = catalog.fact.sortKey.map((k) => ident(k)).join(', ');
  const viewed = ident(catalog.fact.time);
  // The root's key as the fact table holds it: ties in the sort and in first-seen order.
  const rootKey = ident(catalog.fact.columns.find((c) => c.path === tableKey(tableDef(catalog, catalog.root)))?.name ?? tableKey(tableDef(catalog, catalog.root)));
  // A pair's previous row and whether it is its last, over one window: DuckDB sorts each
  // partitioning once for both.
  const firstSeen = catalog.firstSeen.flatMap((f) => {
    const over = `OVER (PARTITION BY ${[f.key, f.distinct, ...(f.within ?? [])].map(ident).join(', ')} ORDER BY ${viewed}, ${rootKey})`;
    // No pair where the key (or a column splitting the pairs) is null.
    const held = [f.key, ...(f.within ?? [])].map((c) => `${ident(c)} IS NOT NULL`).join(' AND ');
    const last = f.last === undefined ? [] : [`CASE WHEN ${held} THEN lead(${viewed}) ${over} IS NULL END AS ${ident(f.last)}`];
    return [`CASE WHEN ${held} THEN lag(${viewed}) ${over} END AS ${ident(f.column)}`, ...last];
  });
  add(
    'tables',
    `CREATE TABLE ${ident(catalog.fact.name)} AS SELECT *${firstSeen.map((f) => `, ${f}`).join('')} FROM (` +
      `SELECT ${select.join(', ')} FROM ${ident(stageName(catalog.root))} r ${joinText.join(' ')}` +
      `) ORDER BY ${order}, ${rootKey}`,
  );
  // The root table answers to its own name and columns (ad-hoc SQL, second opinions), read
  // from the fact table rather than stored twice.
  add('tables', `CREATE VIEW ${ident(catalog.root)} AS SELECT ${rootViewColumns(catalog).join(', ')} FROM ${ident(catalog.fact.name)}`);
  for (const def of catalog.intervals ?? []) for (const sql of intervalsLayout(catalog, def)) add('tables', sql);
  for (const p of catalog.fact.projections ?? [])
    add('projections', `CREATE TABLE ${ident(p.name)} AS SELECT * FROM ${ident(catalog.fact.name)} ORDER BY ${p.sortKey.map((k) => ident(k)).join(', ')}, ${rootKey}`);
  for (const sql of rollupStatements(catalog, facts.rollups, facts.narrowSums)) add('rollups', sql);
  for (const set of catalog.distinctSets) {
    const range = facts.idRanges?.[set.ids];
    if (!range) continue;
    const key = ident(set.key);
    // Days from the rollup holding the key and the counted column where one is built (fewer
    // rows than the fact table), else from the fact table; months as unions of the days.
    const family = catalog.rollups.find((f) => f.some((r) => r.columns.includes(set.key) && r.columns.includes(set.distinct)));
    const rollup = family?.find((r) => r.grain === 'day' && (facts.rollups === undefined || facts.rollups.has(r.name)));
    const bits = `bitstring_agg(${ident(set.distinct)}, ${sqlInteger(range.min)}, ${sqlInteger(range.max)}) AS bits`;
    const days = rollup
      ? `SELECT bucket, ${key}, sum(n)::BIGINT AS n, ${bits} FROM ${ident(rollup.name)}`
      : `SELECT date_trunc('day', ${viewed}) AS bucket, ${key}, count(*) AS n, ${bits} FROM ${ident(catalog.fact.name)}`;
    add('distinct sets', `CREATE TABLE ${ident(set.day)} AS ${days} WHERE ${key} IS NOT NULL GROUP BY ALL ORDER BY bucket, ${key}`);
    add(
      'distinct sets',
      `CREATE TABLE ${ident(set.month)} AS SELECT date_trunc('month', bucket) AS bucket, ${key}, sum(n)::BIGINT AS n, bit_or(bits) AS bits ` +
        `FROM ${ident(set.day)} GROUP BY ALL ORDER BY bucket, ${key}`,
    );
  }
  for (const set of catalog.daySets ?? []) {
    const range = facts.daySetIds?.[set.ids];
    if (!range) continue;
    const bits = `bitstring_agg(${ident(set.distinct)}, ${sqlInteger(range.min)}, ${sqlInteger(range.max)})`;
    add(
      'distinct sets',
      `CREATE TABLE ${ident(set.name)} AS SELECT date_trunc('day', ${viewed}) AS bucket, ${bits} AS bits FROM ${ident(catalog.fact.name)} ` +
        `WHERE ${rollupWhereSql(set.where)} AND ${ident(set.distinct)} IS NOT NULL GROUP BY ALL ORDER BY bucket`,
    );
  }
  for (const t of catalog.tables) add('cleanup', `DROP TABLE ${ident(stageName(t.name))}`);
  return steps;
}
