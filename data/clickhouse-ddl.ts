// The ClickHouse tables of a dataset, as statements (pure: the import runs them, tests read
// them). One MergeTree table per catalog table and for the fact rows; on a cluster, the
// fact rows in a local table on every shard under a `Distributed` table sharded by a stable
// hash of the fact key (a reload puts every row on the same shard), and the other tables
// (dimensions, small beside the facts) whole on every node, so that no query needs a
// distributed join. A load builds its tables under `<name>__new` and switches them in by
// EXCHANGE TABLES (each table whole: README, "ClickHouse").
import type { Catalog, SqlType } from '../engine/catalog.ts';
import { tableDef, tableKey } from '../engine/catalog.ts';
import { chType } from '../engine/dialect/clickhouse.ts';
import { META_TABLE, rootViewColumns } from '../engine/layout.ts';
import { ident } from '../engine/sql.ts';

export interface ClickHouseLayout {
  readonly database: string;
  readonly cluster?: string | undefined;
}

export interface ChTable {
  /** The name queries read. */
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly orderBy: readonly string[];
  /** The fact rows: sharded on a cluster (the others are copied whole to every node). */
  readonly fact: boolean;
}

/** The suffix of a load's tables until they are switched in. */
export const NEW = '__new';
/** On a cluster, the fact rows' table on each shard (the Distributed one has the name). */
export const LOCAL = '_local';

const column = (name: string, sqlType: SqlType, nullable: boolean) => ({ name, type: nullable ? `Nullable(${chType(sqlType)})` : chType(sqlType) });

/** The tables a dataset keeps in ClickHouse: every catalog table but the root (a view over
 *  the fact rows), the fact rows, and the snapshot's meta. No rollups, distinct sets,
 *  projections or first-seen columns: those are DuckDB's accelerators. */
export function chTables(catalog: Catalog): ChTable[] {
  const dims = catalog.tables
    .filter((t) => t.name !== catalog.root)
    .map((t) => ({ name: t.name, columns: t.columns.map((c) => column(c.name, c.sqlType, c.nullable)), orderBy: [tableKey(t)], fact: false }));
  const rootKey = catalog.fact.columns.find((c) => c.path === tableKey(tableDef(catalog, catalog.root)))!.name;
  const fact = {
    name: catalog.fact.name,
    columns: catalog.fact.columns.map((c) => column(c.name, c.sqlType, c.nullable)),
    orderBy: [...catalog.fact.sortKey, rootKey],
    fact: true,
  };
  return [...dims, fact, { name: META_TABLE, columns: [{ name: 'meta', type: 'String' }], orderBy: [], fact: false }];
}

/** The fact key the rows are sharded by. */
export const shardKey = (catalog: Catalog): string => catalog.fact.columns.find((c) => c.path === tableKey(tableDef(catalog, catalog.root)))!.name;

export interface LoadStatements {
  /** Leftovers of an earlier load that failed, dropped first. */
  readonly clean: readonly string[];
  /** The load's tables, empty, under their new names. */
  readonly create: readonly string[];
  /** Per table, where its rows are inserted (the fact rows through a Distributed table over
   *  the new local tables on a cluster), and the statements that copy a whole table to a
   *  node (`{host:String}` etc. are parameters: a node's address and the credentials). */
  readonly insertInto: Readonly<Record<string, string>>;
  readonly copyToNode: Readonly<Record<string, string>>;
  /** Switches every table in: EXCHANGE where a table of that name exists, else RENAME. */
  switchIn(existing: ReadonlySet<string>): string[];
  /** After the switch: the Distributed table and the root's view (re)made, the old tables
   *  (now under the new names) dropped. */
  readonly finish: readonly string[];
}

export function loadStatements(catalog: Catalog, layout: ClickHouseLayout): LoadStatements {
  const db = ident(layout.database);
  const q = (name: string) => `${db}.${ident(name)}`;
  const c = layout.cluster;
  const on = c === undefined ? '' : ` ON CLUSTER ${ident(c)}`;
  const tables = chTables(catalog);
  // Where a table's rows are stored: the fact rows on a cluster in the shards' local tables.
  const stored = (t: ChTable) => (t.fact && c !== undefined ? `${t.name}${LOCAL}` : t.name);
  const cols = (t: ChTable) => `(${t.columns.map((x) => `${ident(x.name)} ${x.type}`).join(', ')})`;
  const order = (t: ChTable) => `ORDER BY ${t.orderBy.length ? `(${t.orderBy.map(ident).join(', ')})` : 'tuple()'}`;
  const distributed = (t: ChTable, local: string) => `ENGINE = Distributed(${ident(c!)}, ${db}, ${ident(local)}, cityHash64(${ident(shardKey(catalog))}))`;
  const fact = tables.find((t) => t.fact)!;
  const feed = `${fact.name}__feed`;

  const clean = [...tables.map((t) => `DROP TABLE IF EXISTS ${q(stored(t) + NEW)}${on}`), ...(c === undefined ? [] : [`DROP TABLE IF EXISTS ${q(feed)}${on}`])];
  const create = tables.map((t) => `CREATE TABLE ${q(stored(t) + NEW)}${on} ${cols(t)} ENGINE = MergeTree ${order(t)} SETTINGS allow_nullable_key = 1`);
  // The fact rows reach their shards through a Distributed table over the new local tables,
  // written synchronously (the insert returns once every shard has its rows).
  if (c !== undefined) create.push(`CREATE TABLE ${q(feed)}${on} ${cols(fact)} ${distributed(fact, fact.name + LOCAL + NEW)}`);
  const insertInto = Object.fromEntries(tables.map((t) => [t.name, t.fact && c !== undefined ? q(feed) : q(t.name + NEW)]));
  const copyToNode = Object.fromEntries(
    tables.filter((t) => !t.fact).map((t) => [t.name, `INSERT INTO FUNCTION remote({host:String}, {database:String}, {table:String}, {user:String}, {password:String}) SELECT * FROM ${q(t.name + NEW)}`]),
  );
  const switchIn = (existing: ReadonlySet<string>) => {
    const pairs = tables.map((t) => stored(t));
    const swap = pairs.filter((n) => existing.has(n));
    const rename = pairs.filter((n) => !existing.has(n));
    return [
      ...(swap.length ? [`EXCHANGE TABLES ${swap.map((n) => `${q(n + NEW)} AND ${q(n)}`).join(', ')}${on}`] : []),
      ...(rename.length ? [`RENAME TABLE ${rename.map((n) => `${q(n + NEW)} TO ${q(n)}`).join(', ')}${on}`] : []),
    ];
  };
  const finish = [
    ...(c === undefined ? [] : [`CREATE OR REPLACE TABLE ${q(fact.name)}${on} ${cols(fact)} ${distributed(fact, fact.name + LOCAL)}`]),
    `CREATE OR REPLACE VIEW ${q(catalog.root)}${on} AS SELECT ${rootViewColumns(catalog).join(', ')} FROM ${q(fact.name)}`,
    ...clean,
  ];
  return { clean, create, insertInto, copyToNode, switchIn, finish };
}
