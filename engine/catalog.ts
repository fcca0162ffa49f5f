// The dataset's description, as data. Everything that knows table names, column types,
// relations, accepted source names or filterable paths reads them from here, so that a
// second dataset is a second catalog, not a second code path.

/** The logical type a field has for users (filters, meta). */
export type FieldType = 'integer' | 'text' | 'timestamp';

/** The physical DuckDB type a column is stored as. */
export type SqlType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'TIMESTAMP';

export interface ColumnDef {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
  /** Exposed to the filter language under this name (relations are exposed by `relations`). */
  readonly filterable: boolean;
  /** No two rows share a non-null value (checked on import). */
  readonly unique: boolean;
  /** Smallest allowed value of an integer column (checked on import). */
  readonly min?: number;
}

export interface RelationDef {
  /** The path segment users write (`user` in `user__username`). */
  readonly name: string;
  /** The foreign-key column on this table. */
  readonly column: string;
  /** The table it points at; its key is `id`. */
  readonly target: string;
}

export interface TableDef {
  readonly name: string;
  /** File or table names accepted on import, most specific first. */
  readonly sourceNames: readonly string[];
  readonly columns: readonly ColumnDef[];
  readonly relations: readonly RelationDef[];
  /** The column that names a row for people (suggested when a path names a column that
   *  does not exist and nothing is spelled close to it). */
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

/** Pre-aggregated view counts: per UTC day or month and per value of `columns` (fact
 *  columns), a count `n` and the bucket's start `bucket`. A query may read one instead of
 *  the fact table only when every column it needs is among `columns` (see rollups.ts). */
export interface RollupDef {
  readonly name: string;
  readonly grain: 'day' | 'month';
  readonly columns: readonly string[];
  /** A first-seen column (catalog.firstSeen): each row also counts, as `f`, its views that
   *  are their pair's first ever (that column null), so that windows with no lower bound
   *  count distinct pairs from the rollup. */
  readonly firsts?: string;
  /** Storage order (default: bucket, then `columns`): a family read mostly for one key
   *  value is stored by that key first, so that zone maps skip the other keys' rows. */
  readonly sortKey?: readonly string[];
}

/** Per UTC day or month and per value of `key`: the views `n` and the set of blogs viewed,
 *  `bits`, a bitstring over blog ids (bit i: blog id min + i). The union of a window's sets
 *  (bit_or) counts its distinct blogs per key without hashing (key, blog) pairs. Built only
 *  where the blog ids are compact enough for the bitstrings to stay small (layout.ts). */
export interface BlogSetDef {
  readonly key: string;
  readonly month: string;
  readonly day: string;
}

/** A fact column holding, for each view, the time of the previous view with the same
 *  `key` and blog (null for the first). A view is its pair's first in a window [s, e) when
 *  that time is null or before s, so counting such views counts distinct (key, blog) pairs
 *  in one pass, for any window and any filter that is constant within a pair. */
export interface FirstSeenDef {
  readonly column: string;
  readonly key: string;
}

export interface Catalog {
  readonly tables: readonly TableDef[];
  /** The table filters start from; field paths are relative to it. */
  readonly root: string;
  /** Where the root's rows are stored, with the columns copied in from related tables. */
  readonly fact: { readonly name: string; readonly columns: readonly FactColumnDef[]; readonly sortKey: readonly string[] };
  /** Families of rollups, each at a day and a month grain; smaller families first. */
  readonly rollups: readonly (readonly RollupDef[])[];
  readonly blogSets: readonly BlogSetDef[];
  readonly firstSeen: readonly FirstSeenDef[];
}

interface ColumnOptions {
  filterable?: boolean;
  unique?: boolean;
  min?: number;
}

const col = (name: string, sqlType: SqlType, nullable: boolean, o: ColumnOptions = {}): ColumnDef => ({
  name,
  sqlType,
  nullable,
  filterable: o.filterable ?? true,
  unique: o.unique ?? name === 'id',
  ...(o.min === undefined ? {} : { min: o.min }),
});

export const blogCatalog: Catalog = {
  root: 'blog_view',
  tables: [
    {
      name: 'country',
      sourceNames: ['analytics_app_country', 'country'],
      columns: [col('id', 'BIGINT', false), col('name', 'VARCHAR', false), col('code', 'VARCHAR', true, { unique: true })],
      relations: [],
      label: 'name',
    },
    {
      name: 'user',
      sourceNames: ['auth_user', 'user', 'users'],
      columns: [
        col('id', 'BIGINT', false),
        col('username', 'VARCHAR', false, { unique: true }),
        col('first_name', 'VARCHAR', true),
        col('last_name', 'VARCHAR', true),
        // Not in the filter language's list of paths: joining dates are not analytics keys.
        col('date_joined', 'TIMESTAMP', true, { filterable: false }),
      ],
      relations: [],
      label: 'username',
    },
    {
      name: 'blog',
      sourceNames: ['analytics_app_blog', 'blog'],
      columns: [
        col('id', 'BIGINT', false),
        col('title', 'VARCHAR', false),
        col('author_id', 'BIGINT', false, { filterable: false }),
        col('country_id', 'BIGINT', true, { filterable: false }),
        col('created_at', 'TIMESTAMP', false),
      ],
      relations: [
        { name: 'author', column: 'author_id', target: 'user' },
        { name: 'country', column: 'country_id', target: 'country' },
      ],
      label: 'title',
    },
    {
      name: 'blog_view',
      sourceNames: ['analytics_app_blogview', 'blog_view', 'blogview'],
      columns: [
        col('id', 'BIGINT', false),
        col('blog_id', 'BIGINT', false, { filterable: false }),
        col('user_id', 'BIGINT', true, { filterable: false }),
        col('country_id', 'BIGINT', true, { filterable: false }),
        col('viewed_at', 'TIMESTAMP', false),
        col('duration', 'INTEGER', false, { min: 1 }),
      ],
      relations: [
        { name: 'blog', column: 'blog_id', target: 'blog' },
        { name: 'user', column: 'user_id', target: 'user' },
        { name: 'country', column: 'country_id', target: 'country' },
      ],
      label: 'id',
    },
  ],
  // Every analytics query scans views in a time window and groups them by one of the
  // viewer, the viewer's country, the blog, the blog's author or the blog's country. Copying
  // the blog's author and country into the view rows turns every grouping into a scan of one
  // integer-keyed table with no join; sorting by viewed_at lets DuckDB's zone maps skip the
  // row groups outside a window, so a short window reads only its own slice of the table.
  fact: {
    name: 'fact_view',
    sortKey: ['viewed_at'],
    columns: [
      { name: 'id', path: 'id', sqlType: 'BIGINT', nullable: false },
      { name: 'viewed_at', path: 'viewed_at', sqlType: 'TIMESTAMP', nullable: false },
      { name: 'blog_id', path: 'blog', sqlType: 'BIGINT', nullable: false },
      { name: 'user_id', path: 'user', sqlType: 'BIGINT', nullable: true },
      { name: 'country_id', path: 'country', sqlType: 'BIGINT', nullable: true },
      { name: 'duration', path: 'duration', sqlType: 'INTEGER', nullable: false },
      { name: 'author_id', path: 'blog__author', sqlType: 'BIGINT', nullable: false },
      { name: 'blog_country_id', path: 'blog__country', sqlType: 'BIGINT', nullable: true },
      { name: 'blog_created_at', path: 'blog__created_at', sqlType: 'TIMESTAMP', nullable: false },
    ],
  },
  // Views per blog (with the blog's own attributes, which add no rows) answer the questions
  // about blogs and authors, and blog-side filters; with the viewer's country, also those
  // grouped by country. Months cover the bulk of long windows, days the partial months, and
  // the fact table only the partial days at the edges.
  rollups: [
    // Totals answer unfiltered series; per author, a user's own series (stored by author).
    [
      { name: 'rollup_total_month', grain: 'month', columns: [] },
      { name: 'rollup_total_day', grain: 'day', columns: [] },
    ],
    [
      { name: 'rollup_author_month', grain: 'month', columns: ['author_id'], sortKey: ['author_id', 'bucket'] },
      { name: 'rollup_author_day', grain: 'day', columns: ['author_id'], sortKey: ['author_id', 'bucket'] },
    ],
    [
      { name: 'rollup_blog_month', grain: 'month', columns: ['blog_id', 'author_id', 'blog_country_id', 'blog_created_at'] },
      { name: 'rollup_blog_day', grain: 'day', columns: ['blog_id', 'author_id', 'blog_country_id', 'blog_created_at'] },
    ],
    [
      { name: 'rollup_user_month', grain: 'month', columns: ['user_id'], firsts: 'prev_user_blog_at' },
      { name: 'rollup_user_day', grain: 'day', columns: ['user_id'], firsts: 'prev_user_blog_at' },
    ],
    [
      { name: 'rollup_country_month', grain: 'month', columns: ['country_id', 'blog_id', 'author_id', 'blog_country_id', 'blog_created_at'] },
      { name: 'rollup_country_day', grain: 'day', columns: ['country_id', 'blog_id', 'author_id', 'blog_country_id', 'blog_created_at'] },
    ],
  ],
  blogSets: [{ key: 'country_id', month: 'blogset_country_month', day: 'blogset_country_day' }],
  // Viewers are too many for blog sets, and (viewer, blog) pairs do not shrink under any
  // rollup: each view carries its pair's previous view time instead.
  firstSeen: [{ column: 'prev_user_blog_at', key: 'user_id' }],
};

export function tableDef(catalog: Catalog, name: string): TableDef {
  const t = catalog.tables.find((x) => x.name === name);
  if (!t) throw new Error(`catalog has no table '${name}'`);
  return t;
}

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
  }
}
