// SQL pieces shared by the grouped and series compilers: a window's condition, and the
// UNION ALL of a window's segments (fact table and rollups, see rollups.ts).
import type { Catalog } from '../catalog.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { Segment } from './rollups.ts';

export function windowSql(column: string, w: { readonly start: string | null; readonly end: string }, params: Params): string {
  const end = `${column} < ${params.add(w.end, 'TIMESTAMP')}`;
  return w.start === null ? end : `${column} >= ${params.add(w.start, 'TIMESTAMP')} AND ${end}`;
}

/** The table a segment reads and the column its window applies to. */
export function segmentSource(seg: Segment, catalog: Catalog): { readonly table: string; readonly time: string; readonly fact: boolean } {
  const fact = seg.source.kind === 'fact';
  return {
    table: ident(seg.source.kind === 'fact' ? catalog.fact.name : seg.source.table),
    time: ident(fact ? 'viewed_at' : 'bucket'),
    fact,
  };
}

/** One SELECT per segment, UNION ALL: `cols` (with `t`, the row's instant or bucket start,
 *  where asked) and `n`, the number of views each output row stands for. */
export function segmentsSql(segments: readonly Segment[], catalog: Catalog, cols: string, where: (p: Params) => string[], params: Params, withTime: boolean): string {
  return segments
    .map((seg) => {
      const { table, time, fact } = segmentSource(seg, catalog);
      const conds = [windowSql(time, { start: seg.from, end: seg.to }, params), ...where(params)];
      return `SELECT ${cols}${withTime ? `, ${time} AS t` : ''}, ${fact ? '1' : ident('n')} AS n FROM ${table} WHERE ${conds.join(' AND ')}`;
    })
    .join('\n  UNION ALL ');
}
