// Plan -> SQL text and bound parameters. Pure: no I/O. Identifiers come from the catalog
// through ident(); every value is a parameter.
import type { Catalog } from '../catalog.ts';
import { assertNever } from '../errors.ts';
import type { FieldDef } from '../fields.ts';
import { Params } from '../params.ts';
import type { Param } from '../db.ts';
import { compileGrouped } from './compile-grouped.ts';
import { compileSeries } from './compile-series.ts';
import type { Plan } from './plan.ts';
import type { CompileOptions } from './compile-options.ts';

// Callers name the options where they name the compiler.
export type { CompileOptions } from './compile-options.ts';

export interface CompiledQuery {
  readonly sql: string;
  readonly params: Param[];
}

export function compilePlan(plan: Plan, catalog: Catalog, fields: ReadonlyMap<string, FieldDef>, options: CompileOptions = {}): CompiledQuery {
  const params = new Params();
  switch (plan.kind) {
    case 'grouped':
      return { sql: compileGrouped(plan, catalog, fields, options, params), params: params.values };
    case 'series':
      return { sql: compileSeries(plan, catalog, fields, options, params), params: params.values };
    default:
      return assertNever(plan);
  }
}
