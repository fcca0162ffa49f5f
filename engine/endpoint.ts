// What an endpoint of a dataset is, for the HTTP layer: its input schema (zod: validation
// and OpenAPI), how a validated request becomes a plan, and how the plan's rows become its
// answer. Both steps are pure and testable without HTTP; the server only routes, runs the
// plan on the dataset's engine and writes the answer in the format asked.
import type { z } from 'zod';
import type { FieldDef } from './fields.ts';
import type { FilterNode } from './filter/parse.ts';
import type { Plan } from './query/nodes.ts';
import type { RangeName, TimeWindow } from './query/spec.ts';
import type { PlanResult } from './results.ts';
import { validate } from './request.ts';
import { resolveWindow } from './query/window.ts';

/** How a column is written in CSV and Arrow. */
export type ColumnKind = 'int' | 'float' | 'string' | 'decimal' | 'bool';
/** A decimal column with its `scale` (digits after the point) is an Arrow Decimal128 of that
 *  scale; without one, its exact text. */
export type Columns = readonly (readonly [name: string, kind: ColumnKind, scale?: number])[];

export interface Answer {
  readonly body: Record<string, unknown>;
  readonly columns: Columns;
  readonly data: readonly Record<string, unknown>[];
  /** The neighbouring pages (paged endpoints), as the JSON body's next / previous. */
  readonly links?: { readonly next: string | null; readonly previous: string | null };
}

/** The members every endpoint takes (window, filter, format). */
export interface Common {
  range?: RangeName | undefined;
  start?: string | undefined;
  end?: string | undefined;
  as_of?: string | undefined;
  tz: string;
  filters?: unknown;
  format?: 'json' | 'csv' | 'arrow' | undefined;
}

/** What turning a request into a plan may ask of the dataset's open snapshot. */
export interface PlanContext {
  /** Parses a filter against the dataset's fields from `root` (default: the fact root; a
   *  list endpoint's filter is rooted at its own table), reporting errors under the JSON
   *  pointer `base` (default `/filters`). A QueryError on bad input. */
  parseFilter(input: unknown, base?: string, root?: string): FilterNode | undefined;
  /** The dataset's field paths (filters, dimensions). */
  readonly fields: ReadonlyMap<string, FieldDef>;
}

/** The path and query of the same request at another offset. */
export type PageLink = (offset: number, limit: number) => string;

export interface Endpoint<I extends Common, Q = Plan> {
  /** The path below the dataset's prefix. */
  readonly name: string;
  /** OpenAPI: the operationIds' stem and the 200 answer's component. */
  readonly operation: string;
  readonly answerSchema: string;
  /** OpenAPI: statuses beyond 400 (every endpoint's parameters), 401, 413 (a body), 504. */
  readonly notFound?: boolean;
  readonly summary: string;
  readonly schema: z.ZodType<I>;
  readonly defaultRange: RangeName;
  /** The zone a date-only `start` / `end` is read in (default: the request's `tz`), for an
   *  endpoint whose `tz` may be other than a zone's name. */
  windowZone?(input: I): string;
  /** The download's name, without the extension (CSV and Arrow answers). */
  filename(input: I, window: TimeWindow): string;
  /** The question, as plain data (a plan, or the dataset's own form of it). */
  ask(input: I, window: TimeWindow, ctx: PlanContext): Q;
  plan(question: Q): Plan;
  /** `range` is the range applied (null where `start` / `end` replaced it). */
  answer(input: I, range: RangeName | null, question: Q, result: PlanResult, link: PageLink): Answer;
}

/** Any endpoint, as the server holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any>;

/** The neighbouring pages of a page, as links (null at either end). */
export function pageLinks(offset: number, limit: number, total: number, link: PageLink): { next: string | null; previous: string | null } {
  return {
    next: offset + limit < total ? link(offset + limit, limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit), limit) : null,
  };
}

/** A request's members validated and turned into the endpoint's question: the window
 *  resolved against `now` (epoch ms), the range applied (null where `start` / `end`
 *  replaced it: the answer echoes what was applied rather than a range that played no
 *  part). Throws QueryError (400) on bad members. */
export function prepareRequest<I extends Common, Q>(e: Endpoint<I, Q>, given: Record<string, unknown>, ctx: PlanContext, now: number) {
  const input = validate(e.schema, given);
  const range = input.range ?? e.defaultRange;
  const window = resolveWindow({ range, start: input.start, end: input.end, asOf: input.as_of, tz: e.windowZone ? e.windowZone(input) : input.tz, now });
  const applied = input.start !== undefined || input.end !== undefined ? null : range;
  return { input, range: applied, question: e.ask(input, window, ctx), window };
}
