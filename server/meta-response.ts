// GET /api/v1/meta: what can be asked (fields, types) and what is loaded.
import type { Engine } from '../engine/engine.ts';
import { operatorsFor } from '../engine/filter/operators.ts';

export function metaResponse(engine: Engine) {
  const m = engine.meta;
  return {
    fields: [...engine.fields.values()].map((f) => ({ path: f.path, type: f.type, nullable: f.nullable, operators: operatorsFor(f.type) })),
    object_types: ['country', 'user'],
    top_types: ['user', 'country', 'blog'],
    compare_periods: ['day', 'week', 'month', 'year'],
    ranges: ['day', 'week', 'month', 'year', 'all'],
    snapshot: {
      tables: m.rows,
      first_viewed_at: m.firstViewedAt,
      last_viewed_at: m.lastViewedAt,
      loaded_at: m.loadedAt,
      source: m.source,
      source_kind: m.sourceKind,
      load_ms: m.loadMs,
    },
  };
}
