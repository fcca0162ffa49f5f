// Every view and every blog of a reference (reference.ts: the source's rows, never a
// snapshot's) as plain JS objects keyed by filter path (`user__username`, `blog__country`),
// read with plain joins over the spec's four tables, for the evaluators and references
// written in JavaScript. Timestamps are `YYYY-MM-DD HH:MM:SS.ffffff` UTC text; `_at` and
// `_created` hold the view's and the blog's instants in epoch microseconds.
import type { Database } from '../engine/db.ts';

export type ViewRow = Record<string, number | string | null>;

const TS = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S.%f')`;

const AUTHOR_AND_COUNTRY = `
  b.author_id AS blog__author, a.username AS blog__author__username, a.first_name AS blog__author__first_name, a.last_name AS blog__author__last_name,
  b.country_id AS blog__country, bc.name AS blog__country__name, bc.code AS blog__country__code`;

/** Adds the `<relation>__id` spellings of the keys. */
function withIds(rows: readonly Record<string, unknown>[], relations: readonly string[]): ViewRow[] {
  return rows.map((r) => {
    const o = { ...r } as ViewRow;
    for (const rel of relations) o[`${rel}__id`] = o[rel] ?? null;
    return o;
  });
}

export async function flatViews(ref: Database): Promise<ViewRow[]> {
  const { rows } = await ref.query(`
    SELECT v.id, v.duration, ${TS('v.viewed_at')} AS viewed_at, epoch_us(v.viewed_at) AS _at,
           v.user_id AS "user", u.username AS user__username, u.first_name AS user__first_name, u.last_name AS user__last_name,
           v.country_id AS country, c.name AS country__name, c.code AS country__code,
           v.blog_id AS blog, b.title AS blog__title, ${TS('b.created_at')} AS blog__created_at, ${AUTHOR_AND_COUNTRY}
    FROM blog_view v JOIN blog b ON b.id = v.blog_id JOIN "user" a ON a.id = b.author_id
    LEFT JOIN "user" u ON u.id = v.user_id LEFT JOIN country c ON c.id = v.country_id LEFT JOIN country bc ON bc.id = b.country_id
    ORDER BY v.id`);
  return withIds(rows, ['user', 'country', 'blog', 'blog__author', 'blog__country']);
}

/** Blogs with the blog-side paths a view of them would have. */
export async function flatBlogs(ref: Database): Promise<ViewRow[]> {
  const { rows } = await ref.query(`
    SELECT b.id AS blog, b.title AS blog__title, ${TS('b.created_at')} AS blog__created_at, epoch_us(b.created_at) AS _created, ${AUTHOR_AND_COUNTRY}
    FROM blog b JOIN "user" a ON a.id = b.author_id LEFT JOIN country bc ON bc.id = b.country_id
    ORDER BY b.id`);
  return withIds(rows, ['blog', 'blog__author', 'blog__country']);
}

/** A user's name for people (spec section 1): first and last name, trimmed of spaces; the
 *  username where that is empty. */
export function displayName(username: unknown, first: unknown, last: unknown): string {
  const name = `${(first as string | null) ?? ''} ${(last as string | null) ?? ''}`.replace(/^ +| +$/g, '');
  return name === '' ? (username as string) : name;
}
