// Activity plans asking `time`: active microseconds per entity and calendar day of the plan's
// zone (a span across midnight is split between the two days; a day across a DST change
// holds 23 or 25 hours of instants), ordered by day then entity key, paged, with the number
// of rows before paging and the page's labels (columns of the entity's table). Pure.
import { tableDef, tableKey } from '../catalog.ts';
import type { Catalog } from '../catalog.ts';
import type { Dialect } from '../dialect/dialect.ts';
import type { Params } from '../params.ts';
import { ident, sqlInteger } from '../sql.ts';
import { activitySources, intervalsDef } from './activity-sources.ts';
import type { CompileOptions } from './compile-options.ts';
import type { ActivityPlan, ActivityQuestion } from './nodes.ts';
import { DAY_US } from './zone-segments.ts';

type Time = Extract<ActivityQuestion, { kind: 'time' }>;

export function timeSql(plan: ActivityPlan, q: Time, catalog: Catalog, options: CompileOptions, params: Params, dialect: Dialect): string {
  const src = activitySources(plan, catalog, options, params, dialect, { pieces: true, key: true });
  const entity = tableDef(catalog, intervalsDef(catalog, plan.intervals).entity);
  const DAY = sqlInteger(DAY_US);
  const day = (x: string) => dialect.floorDiv(x, DAY);
  const labels = q.labels.map((c) => `, x.${ident(c)} AS ${ident(c)}`).join('');
  const [d0, d1] = [day('lo'), day('(hi - 1)')];
  // Most pieces lie within one day: their seconds need no series of days. The entity's key
  // is not carried through the grouping (a UUID in every row of a hash table the size of the
  // window's entity-days) but looked up for the page's entities only.
  return `WITH ${src.ctes.join(', ')}, per AS (
  SELECT m, d, ${dialect.cast('sum(pu)', 'BIGINT')} AS us FROM (
    SELECT m, ${d0} AS d, hi - lo AS pu FROM pieces WHERE ${d0} = ${d1}
    UNION ALL SELECT m, d, least(hi, (d + 1) * ${DAY}) - greatest(lo, d * ${DAY}) AS pu
    FROM (SELECT m, lo, hi, ${dialect.integerSeries(d0, `${d1} + 1`)} AS d FROM pieces WHERE ${d0} < ${d1})
  ) GROUP BY m, d
), page AS (
  SELECT m, d, us FROM per ORDER BY d, m LIMIT ${params.add(q.limit, 'BIGINT')} OFFSET ${params.add(q.offset, 'BIGINT')}
), pk AS (
  SELECT m, ${dialect.anyValue('k')} AS k FROM spans WHERE m IN (SELECT m FROM page) GROUP BY m
)
SELECT (SELECT count(*) FROM per) AS total, pk.k AS entity${labels}, ${dialect.dateOfDay('page.d')} AS date, page.us
FROM (SELECT 1) one LEFT JOIN page ON true LEFT JOIN pk ON pk.m = page.m LEFT JOIN ${ident(entity.name)} x ON x.${ident(tableKey(entity))} = pk.k
ORDER BY page.d, page.m`;
}
