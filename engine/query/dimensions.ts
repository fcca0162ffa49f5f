// The paths a question may group by: every field path of the fact root with one value per
// row (filterable or not: a computed display name, a joining date), none across a
// one-to-many relation.
import type { Catalog } from '../catalog.ts';
import type { FieldDef } from '../fields.ts';

export function dimensionPaths(_catalog: Catalog, fields: ReadonlyMap<string, FieldDef>): string[] {
  return [...fields.values()].filter((f) => !f.many).map((f) => f.path);
}
