// An endpoint whose answer is streamed: a list walked in key order (engine walk()), written
// as JSON text piece by piece, so that a table of any size is served in flat memory. The
// old services' "everything at once" endpoints (the members service's /fetch/) are these.
// The HTTP layer writes `head`, each row's `item` text (comma-separated), then `tail`.
import type { z } from 'zod';
import type { ListPlan } from './query/nodes.ts';

export interface StreamEndpoint<I extends { limit?: number | undefined; offset: number }> {
  /** The dataset whose engine answers. */
  readonly dataset: string;
  /** The URL paths it is served at (GET). */
  readonly paths: readonly string[];
  /** OpenAPI: the operationId's stem, the summary, the 200 answer's component. */
  readonly operation: string;
  readonly summary: string;
  readonly answerSchema: string;
  /** Query-string members, validated (a 400 naming each bad one). */
  readonly schema: z.ZodType<I>;
  /** Rows of the first page, fewer than the plan's (its limit) so that the first byte is soon. */
  readonly first?: number;
  /** The list to walk: in key order (its `order` empty), listing the key. */
  plan(input: I): ListPlan;
  /** The JSON text before the first item and after the last. */
  readonly head: string;
  readonly tail: string;
  /** One row's JSON text. */
  item(row: Readonly<Record<string, unknown>>): string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStreamEndpoint = StreamEndpoint<any>;
