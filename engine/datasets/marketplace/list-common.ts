// What the marketplace's list endpoints share: paging members, a filter joined with the
// conditions an endpoint adds, the window as conditions on a table's own time, and the
// paged answer (SPEC.md 5.1: count, limit, offset, next, previous). Pure.
import { z } from 'zod';
import type { Answer, Columns, PageLink } from '../../endpoint.ts';
import { pageLinks } from '../../endpoint.ts';
import type { FilterNode } from '../../filter/parse.ts';
import type { RangeName, TimeWindow } from '../../query/spec.ts';
import { int } from '../../request.ts';

export const paging = {
  limit: int(1, 1000).default(100).describe('rows per page'),
  offset: int(0, 1_000_000_000).default(0).describe('rows skipped'),
};

/** The window's last day (its end is exclusive: the day the window reaches into). */
export const lastDay = (w: TimeWindow): string => w.end.slice(0, 10);

export const leaf = (field: string, operator: string, value: string | number | boolean): FilterNode => ({ kind: 'leaf', field, operator, value });

/** Every condition given, ANDed (undefined: none). */
export function allOf(...nodes: readonly (FilterNode | undefined)[]): FilterNode | undefined {
  const given = nodes.filter((n): n is FilterNode => n !== undefined);
  return given.length === 0 ? undefined : given.length === 1 ? given[0] : { kind: 'and', children: given };
}

/** The window as conditions on a table's own instant column (half-open, as windows are). */
export const inWindow = (field: string, w: TimeWindow): FilterNode | undefined =>
  allOf(w.start === null ? undefined : leaf(field, 'gte', w.start), leaf(field, 'lt', w.end));

/** A page of rows in the paged shape, with the links to its neighbours. */
export function pagedAnswer(p: { limit: number; offset: number }, range: RangeName | null, total: number, rows: readonly Record<string, unknown>[], columns: Columns, link: PageLink, extra: Record<string, unknown> = {}): Answer {
  const links = pageLinks(p.offset, p.limit, total, link);
  return {
    body: { ...extra, range, count: total, limit: p.limit, offset: p.offset, next: links.next, previous: links.previous, data: rows },
    columns,
    data: rows,
    links,
  };
}

/** A boolean member: a JSON boolean, or `true` / `false` as query-string text. */
export const flag = () =>
  z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true');
