// The blog dataset (SPEC.md): countries, users, blogs and their views, as data.
import type { Catalog, ColumnDef, Expr, SqlType } from '../../catalog.ts';
import type { DatasetDef } from '../../dataset.ts';

const column = (name: string): Expr => ({ kind: 'column', name });
const literal = (value: string): Expr => ({ kind: 'literal', value });
const call = (fn: Extract<Expr, { kind: 'call' }>['fn'], ...args: Expr[]): Expr => ({ kind: 'call', fn, args });
const displayName = call(
  'coalesce',
  call('nullif', call('trim', call('concat', call('coalesce', column('first_name'), literal('')), literal(' '), call('coalesce', column('last_name'), literal('')))), literal('')),
  column('username'),
);

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
      // SPEC.md section 1: "first last", trimmed; the username where that is empty. A label
      // and a dimension, not among the filter language's paths (SPEC.md section 3).
      computed: [{ name: 'display_name', sqlType: 'VARCHAR', nullable: false, expr: displayName, filterable: false }],
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
    time: 'viewed_at',
    sortKey: ['viewed_at'],
    // One author's questions (their performance series, their top countries) read a copy
    // stored by author: a few row groups instead of every view, whatever the window; one
    // viewer country's (a per-view filter, which no rollup or first-seen count answers
    // exactly over a long window) a copy stored by country.
    projections: [
      { name: 'fact_view_by_author', sortKey: ['author_id', 'viewed_at'] },
      { name: 'fact_view_by_country', sortKey: ['country_id', 'viewed_at'] },
    ],
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
  // about blogs and authors, and blog-side filters; per viewer and per viewer country, with
  // the count of views that are their pair's first ever, the distinct blogs of windows with
  // no lower bound. Months cover the bulk of long windows, days the partial months, and the
  // fact table only the partial days at the edges; `all` answers windows that hold every
  // view. An import keeps a day or month grain only where it has far fewer rows than what
  // it is built from (data/rollup-choice.ts): on evenly spread traffic most do not.
  rollups: [
    // Totals answer unfiltered series; per author, a user's own series (stored by author:
    // an index-like order that serves one author's questions whatever its size).
    [
      { name: 'rollup_total_month', grain: 'month', columns: [], sums: ['duration'] },
      { name: 'rollup_total_day', grain: 'day', columns: [], sums: ['duration'] },
    ],
    [
      { name: 'rollup_country_day', grain: 'day', columns: ['country_id'], firsts: 'prev_country_blog_at', sums: ['duration'] },
      { name: 'rollup_country_month', grain: 'month', columns: ['country_id'], firsts: 'prev_country_blog_at', sums: ['duration'] },
      { name: 'rollup_country_all', grain: 'all', columns: ['country_id'], firsts: 'prev_country_blog_at', sums: ['duration'] },
    ],
    [
      { name: 'rollup_author_month', grain: 'month', columns: ['author_id'], sortKey: ['author_id', 'bucket'], sums: ['duration'] },
      { name: 'rollup_author_day', grain: 'day', columns: ['author_id'], sortKey: ['author_id', 'bucket'], sums: ['duration'] },
      // Built from the blogs' totals: an author's blogs viewed, over all the data.
      { name: 'rollup_author_all', grain: 'all', columns: ['author_id'], sums: ['duration'], distinct: ['blog_id'] },
    ],
    [
      { name: 'rollup_blog_month', grain: 'month', columns: ['blog_id', 'author_id', 'blog_country_id', 'blog_created_at'], sums: ['duration'] },
      { name: 'rollup_blog_day', grain: 'day', columns: ['blog_id', 'author_id', 'blog_country_id', 'blog_created_at'], sums: ['duration'] },
      { name: 'rollup_blog_all', grain: 'all', columns: ['blog_id', 'author_id', 'blog_country_id', 'blog_created_at'], sums: ['duration'] },
    ],
    [
      { name: 'rollup_user_month', grain: 'month', columns: ['user_id'], firsts: 'prev_user_blog_at' },
      { name: 'rollup_user_day', grain: 'day', columns: ['user_id'], firsts: 'prev_user_blog_at' },
      { name: 'rollup_user_all', grain: 'all', columns: ['user_id'], firsts: 'prev_user_blog_at' },
    ],
  ],
  distinctSets: [{ key: 'country_id', distinct: 'blog_id', ids: 'blog', month: 'blogset_country_month', day: 'blogset_country_day', progressName: 'blog sets' }],
  // (viewer, blog) and (viewer country, blog) pairs do not shrink under any rollup on even
  // traffic: each view carries its pairs' previous view times instead, and whether it is
  // its pairs' last view (windows ending now count their pairs from the rollups' `l`).
  firstSeen: [
    { column: 'prev_user_blog_at', key: 'user_id', distinct: 'blog_id', last: 'last_user_blog' },
    { column: 'prev_country_blog_at', key: 'country_id', distinct: 'blog_id', last: 'last_country_blog' },
    // A viewer's blogs from one viewer country: a filter on the viewer country (one pass over
    // its rows of the copy by country) instead of hashing the busiest viewers' pairs.
    { column: 'prev_user_country_blog_at', key: 'user_id', distinct: 'blog_id', within: ['country_id'] },
  ],
};


export const blogDataset: DatasetDef = {
  name: 'blog',
  description: 'Blog views: who read which blog, from where, when and for how long (SPEC.md)',
  // The name the first dataset's snapshot always had (ANALYTICS_DB's default).
  snapshotFile: 'analytics.duckdb',
  catalog: blogCatalog,
  measures: {
    views: { kind: 'count', description: 'views' },
    blogs: { kind: 'count_distinct', column: 'blog_id', description: 'distinct blogs viewed' },
    viewers: { kind: 'count_distinct', column: 'user_id', description: 'distinct signed-in viewers (anonymous views count for none)' },
    total_duration: { kind: 'sum', expr: column('duration'), description: 'seconds spent viewing, in all' },
    avg_duration: { kind: 'avg', expr: column('duration'), description: 'seconds per view, on average' },
    max_duration: { kind: 'max', expr: column('duration'), description: 'the longest view, in seconds' },
    views_per_viewer: { kind: 'ratio', numerator: 'views', denominator: 'viewers', decimals: 2, description: 'views per distinct viewer' },
  },
};
