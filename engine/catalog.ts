// A dataset's description, as data: tables, keys and types, relations, the fact table's
// layout, pre-aggregations and distinct-count accelerators. Everything that knows table
// names, column types, relations, accepted source names or filterable paths reads them
// from here, so that a second dataset is a second catalog, not a second code path. No
// dataset is named in this module: the declarations live in engine/datasets/<name>/.

import type { DaySetDef, DistinctSetDef, FirstSeenDef, IntervalsDef, PairsDef, ProjectionDef, RollupDef } from './catalog-accelerators.ts';

// The accelerators' declarations live in catalog-accelerators.ts; importers reach them here too.
export * from './catalog-accelerators.ts';

/** The logical type a field has for users (filters, meta, answers). */
export type FieldType = 'integer' | 'text' | 'timestamp' | 'date' | 'boolean' | 'decimal' | 'uuid';

/** A fixed-point type: `p` digits in all, `s` after the point. */
export type DecimalType = `DECIMAL(${number},${number})`;

/** The physical type a column is stored as. */
export type SqlType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'TIMESTAMP' | 'DATE' | 'BOOLEAN' | 'UUID' | DecimalType;

export interface ColumnDef {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  /** Exposed to the filter language under this name (relations are exposed by `relations`). */
  readonly filterable: boolean;
  /** No two rows share a non-null value (checked on import). */
  readonly unique: boolean;
  /** Smallest allowed value of a numeric column (checked on import). */
  readonly min?: number;
  /** Largest allowed value of a numeric column (checked on import). */
  readonly max?: number;
  /** The only values a text column may hold (checked on import). */
  readonly values?: readonly string[];
  /** A text column naming an IANA time zone (engine/zone-names.ts, legacy links included):
   *  any other value is an import error naming the row. */
  readonly zone?: boolean;
}

/** A relation users may follow in a field path.
 *  - `many-to-one`: `column` on this table holds the target's key (a view's blog);
 *  - `one-to-many`: `column` on the target table holds this table's key (a blog's views).
 *    A filter leaf over such a path holds when some related row satisfies it. */
export interface RelationDef {
  /** The path segment users write (`user` in `user__username`). */
  readonly name: string;
  /** Absent: many-to-one. */
  readonly kind?: 'many-to-one' | 'one-to-many';
  readonly column: string;
  readonly target: string;
  /** A many-to-one relation of a table to itself that must form a tree (a category's
   *  parent): a row that is its own ancestor is an import error. */
  readonly acyclic?: boolean;
}

/** A value computed from a row's own columns (a person's display name, a line's amount):
 *  plain data, compiled through the dialect. Literals are bound as parameters. */
export type Expr =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number }
  | { readonly kind: 'call'; readonly fn: ExprFunction; readonly args: readonly Expr[] };

/** The functions expressions may call (one table per dialect: dialect.ts). */
export type ExprFunction = 'coalesce' | 'nullif' | 'trim' | 'concat' | 'multiply' | 'add' | 'subtract' | 'seconds_between';

/** A column computed from the table's own columns, readable like a stored one. */
export interface ComputedColumnDef {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  readonly expr: Expr;
  /** Offered to the filter language and as a dimension (default: yes). */
  readonly filterable?: boolean;
}

export interface TableDef {
  readonly name: string;
  /** The key column (default `id`). */
  readonly key?: string;
  /** File or table names accepted on import, most specific first. */
  readonly sourceNames: readonly string[];
  /** A Django model name (`orderitem`): where no source name matches, the one source table
   *  named `<app>_<model>` (ending in `_<model>`) is accepted, if exactly one is. */
  readonly djangoModel?: string;
  readonly columns: readonly ColumnDef[];
  readonly computed?: readonly ComputedColumnDef[];
  readonly relations: readonly RelationDef[];
  /** Pairs of columns `[earlier, later]` whose values must be in that order in every row
   *  (a period's start and end, equal allowed): a row with `later < earlier` is an import
   *  error naming it. */
  readonly ordered?: readonly (readonly [earlier: string, later: string])[];
  /** The column that names a row for people (suggested when a path names a column that
   *  does not exist and nothing is spelled close to it; the label of a grouped row). */
  readonly label: string;
}

/** A column of the denormalised fact table, copied from a path of the root table. */
export interface FactColumnDef {
  readonly name: string;
  /** A field path from the root table (`blog__author` is the blog's author id). */
  readonly path: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
}


export interface Catalog {
  readonly tables: readonly TableDef[];
  /** Activity periods the activity plans read (IntervalsDef); absent: none. */
  readonly intervals?: readonly IntervalsDef[];
  /** The table filters start from; field paths are relative to it. */
  readonly root: string;
  /** Where the root's rows are stored, with the columns copied in from related tables;
   *  `time` is the fact column windows and buckets read. */
  readonly fact: {
    readonly name: string;
    readonly time: string;
    readonly columns: readonly FactColumnDef[];
    readonly sortKey: readonly string[];
    /** A fact column holding each row's own IANA zone (copied from a zone column), for
     *  questions asked in each row's zone rather than one (`tz=member`). */
    readonly zone?: string;
    /** Copies of the fact table stored in another order (ProjectionDef). */
    readonly projections?: readonly ProjectionDef[];
  };
  /** Families of rollups, each at some of the grains day, month and all; smaller
   *  families first. */
  readonly rollups: readonly (readonly RollupDef[])[];
  readonly distinctSets: readonly DistinctSetDef[];
  /** Day sets of distinct values among some rows (DaySetDef); absent: none. */
  readonly daySets?: readonly DaySetDef[];
  /** Stored basket pairs (PairsDef); absent: none. */
  readonly pairs?: readonly PairsDef[];
  readonly firstSeen: readonly FirstSeenDef[];
}

export function tableDef(catalog: Catalog, name: string): TableDef {
  const t = catalog.tables.find((x) => x.name === name);
  if (!t) throw new Error(`catalog has no table '${name}'`);
  return t;
}

export const tableKey = (t: TableDef): string => t.key ?? 'id';


/** The logical type users see for a stored type. */
export function fieldTypeOf(sqlType: SqlType): FieldType {
  switch (sqlType) {
    case 'BIGINT':
    case 'INTEGER':
      return 'integer';
    case 'VARCHAR':
      return 'text';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'DATE':
      return 'date';
    case 'BOOLEAN':
      return 'boolean';
    case 'UUID':
      return 'uuid';
    default:
      if (sqlType.startsWith('DECIMAL(')) return 'decimal';
      throw new Error(`unknown column type ${String(sqlType)}`);
  }
}
