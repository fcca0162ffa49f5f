// The benchmark's PostgreSQL: the old service's schema and indexes, loaded with the very data
// set the engine serves, reused from an earlier run while a fingerprint of it still matches.
import { Engine } from '../engine/engine.ts';
import { loadDjangoSchema } from '../data/pg-load.ts';
import { djangoPeer, rowText } from './django-peer.ts';
import type { Reporter } from '../data/progress-report.ts';
import type { MeasureContext } from './measure.ts';

export interface PeerOptions {
  /** False with --no-pg. */
  readonly use: boolean;
  readonly schema: string;
  readonly parquet: string;
  readonly snapshot: string;
  /** Where the load's intermediate CSV files go. */
  readonly workDir: string;
}

// Every table's ids, keys and dimension names (blog titles differ on purpose: five are
// rewritten for the PostgreSQL load).
const fingerprint = (t: { view: string; country: string; user: string; blog: string }) => `SELECT
  (SELECT count(*)::bigint || ':' || sum(duration)::bigint || ':' || sum(blog_id)::bigint || ':' || sum(COALESCE(user_id, 0))::bigint || ':' || sum(COALESCE(country_id, 0))::bigint || ':' || max(id)::bigint FROM ${t.view}) AS views,
  (SELECT md5(string_agg(id::text || ':' || COALESCE(code, '') || ':' || name, ',' ORDER BY id)) FROM ${t.country}) AS countries,
  (SELECT md5(string_agg(id::text || ':' || username, ',' ORDER BY id)) FROM ${t.user}) AS users,
  (SELECT count(*)::bigint || ':' || sum(author_id)::bigint || ':' || sum(COALESCE(country_id, 0))::bigint FROM ${t.blog}) AS blogs`;

/** PostgreSQL holding the data set in `schema` (loaded unless it already matches), or
 *  undefined without PostgreSQL. The caller ends the client. */
export function pgPeer(progress: Reporter, o: PeerOptions): Promise<MeasureContext['pg']> {
  const { schema } = o;
  return djangoPeer(progress, {
    use: o.use,
    schema,
    ours: async () => {
      const e = await Engine.open(o.snapshot, { cacheEntries: 0 });
      return e.db
        .query(fingerprint({ view: 'blog_view', country: 'country', user: '"user"', blog: 'blog' }))
        .then((r) => rowText(r.rows[0]!))
        .finally(() => e.close());
    },
    theirs: (client) =>
      client
        .query(fingerprint({ view: `${schema}.analytics_app_blogview`, country: `${schema}.analytics_app_country`, user: `${schema}.auth_user`, blog: `${schema}.analytics_app_blog` }))
        .then((r) => rowText(r.rows[0] as object)),
    load: async (client) => {
      await loadDjangoSchema(schema, o.parquet, o.workDir, progress);
      progress.phase('PostgreSQL: ANALYZE');
      await client.query(`ANALYZE`);
    },
  });
}
