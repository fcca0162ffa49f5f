// What the readers of rows for an aggregate ask for (compile-aggregate.ts's rowSource,
// exact-rollup.ts, counted-segments.ts): one object, so that the three take the same
// question the same way and a new reader need not repeat a dozen parameters.
import type { DatasetDef } from '../dataset.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { FieldDef } from '../fields.ts';
import type { FilterNode } from '../filter/parse.ts';
import type { Params } from '../params.ts';
import type { CompileOptions } from './compile-options.ts';
import type { TimeWindow } from './spec.ts';

export interface SourceRequest {
  readonly ds: DatasetDef;
  /** The rows asked about: a window of the fact time and a filter over the root. */
  readonly plan: { readonly window: TimeWindow; readonly filter: FilterNode | undefined };
  /** The grouped paths. */
  readonly dimensions: readonly string[];
  /** The fact columns the grouped and label paths read. */
  readonly needed: ReadonlySet<string>;
  /** The paths read on each group besides the dimensions (labels read before paging). */
  readonly labels?: readonly string[];
  /** Base measures (no ratios). */
  readonly measures: readonly string[];
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly o: CompileOptions;
  readonly params: Params;
  readonly dialect: Dialect;
}
