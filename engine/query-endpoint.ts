// The semantic-layer endpoint of every dataset (SPEC-query.md section 2): any question of
// measures x dimensions x time granularity x filters the declaration allows, as an
// aggregate plan, or a series plan when `time` is asked. Pure.
import { z } from 'zod';
import type { DatasetDef } from './dataset.ts';
import type { ColumnKind, Endpoint, PlanContext } from './endpoint.ts';
import { QueryError } from './errors.ts';
import { dimensionPaths } from './query/dimensions.ts';
import type { Plan } from './query/nodes.ts';
import type { ResultColumn } from './results.ts';
import { common, int } from './request.ts';
import { nearest } from './suggest.ts';

/** A member a query string carries as text: JSON text is parsed, and a list may also be
 *  written comma-separated (`measures=views,blogs`). */
const fromText = (list: boolean) => (v: unknown) => {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return v;
    }
  }
  return list ? (t === '' ? [] : t.split(',').map((x) => x.trim())) : v;
};

const name = z.string().min(1).max(200);

export const QueryParams = z.object({
  ...common,
  range: common.range.describe('rolling window ending at `as_of` (default: all)'),
  measures: z.preprocess(fromText(true), z.array(name).min(1, 'at least one measure').max(50)).describe('measure names (GET: comma-separated or a JSON array)'),
  dimensions: z.preprocess(fromText(true), z.array(name).max(10)).default([]).describe('field paths to group by; a relation path groups by its id'),
  time: z
    .preprocess(
      fromText(false),
      z.object({
        granularity: z.enum(['hour', 'day', 'week', 'month', 'quarter', 'year']),
        fill: z.boolean().default(false).describe('zero-fill the empty buckets between the first and the last'),
        compare: z.enum(['previous']).optional().describe('add <measure>_previous and <measure>_growth'),
      }),
    )
    .optional()
    .describe('calendar buckets of the fact time in `tz`'),
  order: z
    .preprocess(fromText(false), z.array(z.object({ by: name, dir: z.enum(['asc', 'desc']).default('asc') })).max(20))
    .default([])
    .describe('by measures, dimensions or `period`; ties: the dimensions ascending, nulls last'),
  limit: int(1, 100_000).default(1000),
  offset: int(0, 1_000_000_000).default(0),
});
export type QueryInput = z.output<typeof QueryParams>;

const bad = (path: string, message: string) => new QueryError('invalid_parameter', message, [{ path, message }]);

function known(kind: string, path: string, given: string, names: readonly string[]): void {
  if (names.includes(given)) return;
  const near = nearest(given, names);
  throw bad(path, `unknown ${kind} '${given.slice(0, 100)}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

const KIND: Readonly<Record<ResultColumn['type'], ColumnKind>> = {
  integer: 'int',
  number: 'float',
  decimal: 'decimal',
  boolean: 'bool',
  text: 'string',
  timestamp: 'string',
  datetime: 'string',
  date: 'string',
  uuid: 'string',
  list: 'string',
};

export function queryEndpoint(ds: DatasetDef): Endpoint<QueryInput, Plan> {
  const measures = Object.keys(ds.measures);
  return {
    name: 'query',
    operation: `${ds.name[0]!.toUpperCase()}${ds.name.slice(1)}Query`,
    answerSchema: 'QueryAnswer',
    summary: `Any question of the ${ds.name} dataset's measures, dimensions, time buckets and filters`,
    schema: QueryParams,
    defaultRange: 'all',
    filename: (_i, window) => `${ds.name}-query-${window.end.slice(0, 10)}`,
    ask(i, window, ctx: PlanContext): Plan {
      i.measures.forEach((m, n) => known('measure', `/measures/${n}`, m, measures));
      const dims = dimensionPaths(ds.catalog, ctx.fields);
      i.dimensions.forEach((d, n) => known('dimension', `/dimensions/${n}`, d, dims));
      const orderable = [...i.measures, ...i.dimensions, ...(i.time ? ['period'] : [])];
      i.order.forEach((o, n) => known('order term (a measure, dimension or period of the question)', `/order/${n}/by`, o.by, orderable));
      const filter = ctx.parseFilter(i.filters);
      const shared = { dataset: ds.name, window, filter, dimensions: [...new Set(i.dimensions)], measures: [...new Set(i.measures)], order: i.order, limit: i.limit, offset: i.offset };
      if (!i.time) return { kind: 'aggregate', ...shared, labels: [], nulls: 'keep' };
      return {
        kind: 'series',
        ...shared,
        granularity: i.time.granularity,
        tz: i.tz,
        fill: i.time.fill,
        compare: i.time.compare ? shared.measures : [],
        running: [],
        side: [],
      };
    },
    plan: (p) => p,
    answer(i, range, plan, result) {
      // The series' label is for the fixed endpoints' charts; this answer has `period`.
      const columns = result.columns.filter((c) => !(plan.kind === 'series' && c.name === 'label'));
      const data = plan.kind === 'series' ? result.rows.map(({ label: _label, ...rest }) => rest) : result.rows;
      return {
        body: { columns: columns.map((c) => ({ name: c.name, type: c.type })), data, count: result.total, limit: i.limit, offset: i.offset, range },
        columns: columns.map((c) => (c.scale === undefined ? ([c.name, KIND[c.type]] as const) : ([c.name, KIND[c.type], c.scale] as const))),
        data,
      };
    },
  };
}
