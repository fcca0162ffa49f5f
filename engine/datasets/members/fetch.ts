// GET /fetch/ and /fetch (SPEC-members section 2): the old service's one endpoint, answered
// as it did: every member by id with every period by start, then id; times in UTC as
// `June 20 2020 14:29`; `limit` / `offset` optional. Streamed: the members are walked in
// pages of FETCH_BATCH (engine walk()), each written as soon as it is read.
import { z } from 'zod';
import type { StreamEndpoint } from '../../stream-endpoint.ts';
import type { ListPlan } from '../../query/nodes.ts';
import { int } from '../../request.ts';

/** Members per query: a page of them and their periods is what the server holds at once. */
export const FETCH_BATCH = 2000;
/** Members of the first query: its answer is what the first byte waits for (1M members:
 *  ~10-30 ms for 50, against 0.1-0.5 s for 2,000). */
export const FETCH_FIRST = 50;

export const FetchParams = z.object({
  limit: int(0, Number.MAX_SAFE_INTEGER).optional().describe('members at most (absent: every one)'),
  offset: int(0, Number.MAX_SAFE_INTEGER).default(0).describe('members skipped, by id'),
});
export type FetchInput = z.output<typeof FetchParams>;

export function fetchPlan(): ListPlan {
  return {
    kind: 'list',
    dataset: 'members',
    table: 'member',
    filter: undefined,
    columns: ['id', 'real_name', 'tz'],
    children: [{ name: 'activity', relation: 'activity_periods', columns: ['start_time', 'end_time'], order: [{ by: 'start_time', dir: 'asc' }] }],
    order: [],
    limit: FETCH_BATCH,
    offset: 0,
    instants: { kind: 'minutes-text' },
    // Each member's JSON text made by DuckDB, in the old service's key order (id,
    // real_name, tz, activity): no nested value is converted to JavaScript.
    json: 'member',
  };
}

export const fetchMembers: StreamEndpoint<FetchInput> = {
  dataset: 'members',
  paths: ['/fetch/', '/fetch'],
  operation: 'Fetch',
  summary: "Every member with every activity period, as the old service's /fetch/ answered (streamed)",
  answerSchema: 'FetchAnswer',
  schema: FetchParams,
  first: FETCH_FIRST,
  plan: () => fetchPlan(),
  head: '{"ok":true,"members":[',
  tail: ']}',
  item: (r) => r['member'] as string,
};
