// GET /api/v1/meta: what can be asked (fields, types) and what is loaded.
import { basename } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import type { SnapshotMeta } from '../engine/meta.ts';
import { filterableFields } from '../engine/fields.ts';
import { operatorsFor } from '../engine/filter/operators.ts';

/** The import source as anyone may see it: a folder's or file's base name, a database's
 *  name; never the server's file system, a user name or a host. (The snapshot itself keeps
 *  the full path, for its operator.) */
export function publicSourceName(m: Pick<SnapshotMeta, 'source' | 'sourceKind'>): string {
  if (m.sourceKind === 'postgres') {
    try {
      return decodeURIComponent(new URL(m.source).pathname.replace(/^\/+/, '')) || 'postgres';
    } catch {
      return 'postgres';
    }
  }
  return basename(m.source.replace(/[/\\]+$/, ''));
}

export function metaResponse(engine: Engine) {
  const m = engine.meta;
  return {
    fields: filterableFields(engine.fields).map((f) => ({ path: f.path, type: f.type, nullable: f.nullable, operators: operatorsFor(f.type) })),
    object_types: ['country', 'user'],
    top_types: ['user', 'country', 'blog'],
    compare_periods: ['day', 'week', 'month', 'year'],
    ranges: ['day', 'week', 'month', 'year', 'all'],
    snapshot: {
      tables: m.rows,
      first_viewed_at: m.firstViewedAt,
      last_viewed_at: m.lastViewedAt,
      loaded_at: m.loadedAt,
      source: publicSourceName(m),
      source_kind: m.sourceKind,
      // Generated data (the default start, `npm run generate`): the answers are not real.
      synthetic: m.synthetic === true,
      load_ms: m.loadMs,
    },
  };
}
