// SQL pieces shared by the grouped and series compilers: a window's condition, and the
// UNION ALL of a window's segments (fact table and rollups, see rollups.ts).
import type { Catalog } from '../catalog.ts';
import { rollupSum } from '../catalog.ts';
import type { Params } from '../params.ts';
import { ident } from '../sql.ts';
import type { Segment } from './rollups.ts';

export function windowSql(column: string, w: { readonly start: string | null; readonly end: string }, params: Params): string {
  const end = `${column} < ${params.add(w.end, 'TIMESTAMP')}`;
  return w.start === null ? end : `${column} >= ${params.add(w.start, 'TIMESTAMP')} AND ${end}`;
}

/** Where a segment reads: its table, its time column, whether it is the fact table (one
 *  row per view) or a rollup (`n` views per row), and its conditions (window, then `where`). */
export interface SegmentRead {
  readonly table: string;
  readonly time: string;
  readonly fact: boolean;
  readonly conds: string;
}

/** One SELECT per segment, UNION ALL, each written by `select` from where it reads. */
export function unionSegments(segments: readonly Segment[], catalog: Catalog, where: (p: Params) => string[], params: Params, select: (r: SegmentRead) => string): string {
  return segments
    .map((seg) => {
      const fact = seg.source.kind === 'fact';
      const time = ident(fact ? catalog.fact.time : 'bucket');
      const window = seg.to === null ? [] : [windowSql(time, { start: seg.from, end: seg.to }, params)];
      const conds = [...window, ...where(params)].join(' AND ') || 'true';
      return select({ table: ident(seg.source.kind === 'fact' ? catalog.fact.name : seg.source.table), time, fact, conds });
    })
    .join('\n  UNION ALL ');
}

/** Rows of each segment with `cols` (fact columns), `n` (the fact rows each stands for)
 *  and, for each column of `sums`, its sum as rollupSum(column) (the value itself on a fact
 *  row); with `withTime`, `t`, the row's instant or bucket start. */
export function additiveSegmentsSql(segments: readonly Segment[], catalog: Catalog, cols: readonly string[], sums: readonly string[], where: (p: Params) => string[], params: Params, withTime: boolean): string {
  return unionSegments(segments, catalog, where, params, (r) => {
    const out = [...cols.map((c) => ident(c)), ...(withTime ? [`${r.time} AS t`] : []), `${r.fact ? '1' : ident('n')} AS n`, ...sums.map((c) => `${ident(r.fact ? c : rollupSum(c))} AS ${ident(rollupSum(c))}`)];
    return `SELECT ${out.length ? out.join(', ') : '1 AS one'} FROM ${r.table} WHERE ${r.conds}`;
  });
}

/** Plain rows of each segment: `cols` (with `t`, the row's instant or bucket start, where
 *  asked) and `n`, the number of views each output row stands for. */
export function segmentsSql(segments: readonly Segment[], catalog: Catalog, cols: string, where: (p: Params) => string[], params: Params, withTime: boolean): string {
  return unionSegments(segments, catalog, where, params, (r) =>
    `SELECT ${cols}${withTime ? `, ${r.time} AS t` : ''}, ${r.fact ? '1' : ident('n')} AS n FROM ${r.table} WHERE ${r.conds}`);
}
