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

/** What the snapshot offers beyond the fact table. `rollups: false` reads the fact table
 *  alone, the plain way: the reference that differential tests compare the rest with. */
export interface CompileOptions {
  /** Read whole days and months from rollups where that is exact (default: yes). */
  readonly rollups?: boolean;
  /** The blog id range the snapshot's blog sets are built over, where it has them. */
  readonly blogIds?: { readonly min: number; readonly max: number } | undefined;
  /** The fact table holds the first-seen columns (catalog.firstSeen). */
  readonly firstSeen?: boolean;
}

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
