// GET|POST /api/v1/members and /api/v1/members/{id} (SPEC-members section 3): members with
// their activity periods, times in ISO 8601 with the offset of the member's own zone at
// that instant, lengths in seconds. One list plan over `member` with the periods as a child
// list. Window parameters keep only the periods that overlap the window, and the members
// with one; without any, every period and every member. Pure.
import { z } from 'zod';
import type { Columns, Common, Endpoint } from '../../endpoint.ts';
import { pageLinks } from '../../endpoint.ts';
import { QueryError } from '../../errors.ts';
import type { FilterNode } from '../../filter/parse.ts';
import type { ChildList, ListPlan } from '../../query/nodes.ts';
import type { TimeWindow } from '../../query/spec.ts';
import { common } from '../../request.ts';
import { parseUuid } from '../../values.ts';
import { allOf, leaf, paging } from '../marketplace/list-common.ts';

export const MembersParams = z.object({ ...common, ...paging });
export type MembersInput = z.output<typeof MembersParams>;

/** A member's id as the path names it: any case, canonical (lowercase) once read. */
const uuid = z
  .string()
  .max(64, 'too long')
  .transform((v, ctx) => {
    const u = parseUuid(v);
    if (u === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a UUID (8-4-4-4-12 hexadecimal digits)' });
      return z.NEVER;
    }
    return u;
  });

export const MemberParams = z.object({ ...common, id: uuid.describe('the member (a path parameter)') });
export type MemberInput = z.output<typeof MemberParams>;

/** Whether the request gave a window (`range`, `start` or `end`): without one, no window
 *  applies. `as_of` alone is not one: the page links pin it to the instant of the first
 *  page, and the pages of a list without a window must stay without one. */
const windowed = (i: Common): boolean => i.range !== undefined || i.start !== undefined || i.end !== undefined;

/** A period overlaps the half-open window [start, end) when it starts before the end and
 *  ends after the start; a period of no length, when its instant lies in the window. */
export function overlaps(w: TimeWindow): FilterNode {
  const before = leaf('start_time', 'lt', w.end);
  if (w.start === null) return before;
  return allOf(before, { kind: 'or', children: [leaf('end_time', 'gt', w.start), leaf('start_time', 'gte', w.start)] })!;
}

function periods(window: TimeWindow | undefined): ChildList {
  return {
    name: 'activity_periods',
    relation: 'activity_periods',
    columns: ['start_time', 'end_time', 'duration'],
    order: [{ by: 'start_time', dir: 'asc' }],
    ...(window ? { filter: overlaps(window), required: true } : {}),
  };
}

export function membersPlan(filter: FilterNode | undefined, window: TimeWindow | undefined, page: { limit: number; offset: number }): ListPlan {
  return {
    kind: 'list',
    dataset: 'members',
    table: 'member',
    filter,
    columns: ['id', 'real_name', 'tz'],
    children: [periods(window)],
    order: [],
    limit: page.limit,
    offset: page.offset,
    instants: { kind: 'zoned', zone: 'tz' },
  };
}

/** CSV and Arrow have no list cells: the periods are written as their JSON text. */
export const MEMBER_COLUMNS: Columns = [
  ['id', 'string'],
  ['real_name', 'string'],
  ['tz', 'string'],
  ['activity_periods', 'string'],
];

const flat = (r: Record<string, unknown>) => ({ id: r['id'], real_name: r['real_name'], tz: r['tz'], activity_periods: JSON.stringify(r['activity_periods']) });

export const members: Endpoint<MembersInput, ListPlan> = {
  name: 'members',
  operation: 'Members',
  answerSchema: 'MembersAnswer',
  summary: 'Members by id with their activity periods (in the window, if one is given), times in each member\u2019s zone',
  schema: MembersParams,
  defaultRange: 'all',
  filename: () => 'members',
  ask: (i, window, ctx) => membersPlan(ctx.parseFilter(i.filters, '/filters', 'member'), windowed(i) ? window : undefined, i),
  plan: (p) => p,
  answer(i, _range, _plan, result, link) {
    const links = pageLinks(i.offset, i.limit, result.total, link);
    const body = { count: result.total, limit: i.limit, offset: i.offset, next: links.next, previous: links.previous, members: result.rows };
    return { body, columns: MEMBER_COLUMNS, data: result.rows.map(flat), links };
  },
};

export const member: Endpoint<MemberInput, ListPlan> = {
  name: 'member',
  operation: 'Member',
  answerSchema: 'MemberAnswer',
  notFound: true,
  summary: 'One member with every activity period, times in the member\u2019s zone',
  schema: MemberParams,
  defaultRange: 'all',
  filename: (i) => `member-${i.id}`,
  ask: (i) => ({
    ...membersPlan(leaf('id', 'eq', i.id), undefined, { limit: 1, offset: 0 }),
    requires: [{ table: 'member', key: i.id, path: '/id', message: `no member with id ${i.id}` }],
  }),
  plan: (p) => p,
  answer(_i, _range, _plan, result) {
    const row = result.rows[0];
    // The requirement was checked before the plan ran; a row gone since is still a 404.
    if (!row) throw new QueryError('not_found', `no member with id ${_i.id}`, [{ path: '/id', message: 'no such member' }]);
    return { body: { ...row }, columns: MEMBER_COLUMNS, data: [flat(row)] };
  },
};
