// Plan -> SQL text and bound parameters, for a dialect: one compiler per plan kind. Pure: no
// I/O. Identifiers come from the dataset's declaration through ident(); every value is a
// parameter.
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import { duckdb } from '../dialect/duckdb.ts';
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { Params } from '../params.ts';
import type { Param } from '../db.ts';
import { compileAggregate } from './compile-aggregate.ts';
import { compileSeries } from './compile-series.ts';
import { compileList } from './compile-list.ts';
import { compileBasket } from './compile-basket.ts';
import { compileCohort } from './compile-cohort.ts';
import { compileActivity } from './compile-activity.ts';
import { fieldsFrom } from './paths.ts';
import { withProjection } from './projection.ts';
import type { FilterNode } from '../filter/parse.ts';
import type { Plan } from './nodes.ts';
import { rowMeasureSql } from './row-measures.ts';
import type { CompileOptions } from './compile-options.ts';

// Callers name the options where they name the compiler.
export type { CompileOptions } from './compile-options.ts';

export interface CompiledQuery {
  readonly sql: string;
  readonly params: Param[];
}

/** The rows a plan's measures read: its own filter and the dataset's counting rule. */
export function countedFilter(ds: DatasetDef, filter: FilterNode | undefined): FilterNode | undefined {
  if (ds.counts === undefined) return filter;
  return filter === undefined ? ds.counts : { kind: 'and', children: [ds.counts, filter] };
}

export function compilePlan(plan: Plan, ds: DatasetDef, fields: ReadonlyMap<string, FieldDef>, options: CompileOptions = {}, dialect: Dialect = duckdb): CompiledQuery {
  const params = new Params(dialect);
  switch (plan.kind) {
    case 'aggregate':
      // The dataset's counting rule holds whatever the question's filter (DatasetDef.counts).
      return { sql: compileAggregate({ ...plan, filter: countedFilter(ds, plan.filter) }, withProjection(ds, plan.filter, options), fields, options, params, dialect), params: params.values };
    case 'series':
      return { sql: compileSeries({ ...plan, filter: countedFilter(ds, plan.filter) }, withProjection(ds, plan.filter, options), fields, options, params, dialect), params: params.values };
    case 'list': {
      // The filter is rooted at the listed table, as its question parsed it; figures read
      // the fact rows, from the fact root.
      const figures = plan.measures && rowMeasureSql(plan.measures, plan.table, ds, fields, params, dialect, options);
      return { sql: compileList(plan, ds.catalog, fieldsFrom(ds.catalog, plan.table), params, dialect, figures, options.projections, options.keyOrdered?.has(plan.table) === true), params: params.values };
    }
    case 'bundle':
      // Its parts are statements of their own, compiled and run one by one (runner.ts).
      throw new Error('a bundle plan has no one statement: compile its parts');
    case 'basket':
      return { sql: compileBasket({ ...plan, filter: countedFilter(ds, plan.filter) }, ds, fields, params, dialect, options), params: params.values };
    case 'cohort':
      // The filter is rooted at the entity's table; the counting rule, at the fact's.
      return { sql: compileCohort(plan, ds, fields, params, dialect, options), params: params.values };
    case 'activity':
      // The filter is rooted at the entity's table.
      return { sql: compileActivity(plan, ds, options, params, dialect), params: params.values };
    default:
      return assertNever(plan);
  }
}
