// GET /api/v1/meta: what can be asked (fields, types) and what is loaded.
import { basename } from 'node:path';
import type { Engine } from '../engine/index.ts';
import type { SnapshotMeta } from '../engine/index.ts';
import { DEFAULT_DATASET, dimensionPaths, filterableFields, measureType, nearest, operatorsFor } from '../engine/index.ts';
import { ApiError } from './errors.ts';

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
    snapshot: snapshotSummary(m),
  };
}

/** What a snapshot says about itself, as anyone may see it. */
export function snapshotSummary(m: SnapshotMeta) {
  return {
    tables: m.rows,
    first_viewed_at: m.firstViewedAt,
    last_viewed_at: m.lastViewedAt,
    loaded_at: m.loadedAt,
    source: publicSourceName(m),
    source_kind: m.sourceKind,
    // Generated data (the default start, `npm run generate`): the answers are not real.
    synthetic: m.synthetic === true,
    load_ms: m.loadMs,
  };
}

/** GET /api/v1/meta?dataset=NAME: the dataset's root, fields, measures and dimensions (and,
 *  for the blog, everything the plain meta answer holds). */
export function datasetMetaResponse(engine: Engine, root?: string) {
  const ds = engine.dataset;
  const fieldTypes = new Map([...engine.fields.values()].map((f) => [f.path, f.type]));
  const roots = ds.catalog.tables.map((t) => t.name);
  if (root !== undefined && !roots.includes(root)) {
    const suggestion = nearest(root, roots);
    throw new ApiError('invalid_parameter', `'${root}' is not a table of the ${ds.name} dataset`, [
      { path: '/root', message: `not a table of the ${ds.name} dataset; the tables are ${roots.join(', ')}`, ...(suggestion ? { suggestion } : {}) },
    ]);
  }
  return {
    // The default dataset's meta also holds what the plain /api/v1/meta answers.
    ...(ds === DEFAULT_DATASET ? metaResponse(engine) : {}),
    dataset: ds.name,
    description: ds.description,
    root: root ?? ds.catalog.root,
    roots,
    // An endpoint whose filters start at another table than the fact root reads paths from
    // that table: ?root=TABLE lists those.
    fields: filterableFields(engine.fieldsOf(root)).map((f) => ({ path: f.path, type: f.type, nullable: f.nullable, operators: operatorsFor(f.type) })),
    measures: Object.entries(ds.measures).map(([name, m]) => ({ name, kind: m.kind, type: measureType(ds, name).type, description: m.description })),
    dimensions: dimensionPaths(ds.catalog, engine.fields).map((path) => ({ path, type: fieldTypes.get(path) ?? 'text' })),
    granularities: ['hour', 'day', 'week', 'month', 'quarter', 'year'],
    ranges: ['day', 'week', 'month', 'year', 'all'],
    snapshot: snapshotSummary(engine.meta),
  };
}
