// ORDER BY text for a plan's order terms: the terms asked, then every dimension ascending
// (then the bucket), so that ties are always broken the same way. Nulls sort after every
// other value, whatever the direction.
import type { OrderTerm } from './nodes.ts';

/** The order a plan asks, or its default: the first measure descending (an aggregate), or
 *  the bucket ascending (a series). */
export const orderOf = (plan: { readonly kind: 'aggregate' | 'series'; readonly order: readonly OrderTerm[]; readonly measures: readonly string[] }): readonly OrderTerm[] =>
  plan.order.length ? plan.order : plan.kind === 'series' ? [{ by: 'period', dir: 'asc' }] : [{ by: plan.measures[0]!, dir: 'desc' }];

/** `name(term)` gives the SQL reading what a term names (an output column). */
export function orderSql(terms: readonly OrderTerm[], ties: readonly string[], name: (by: string) => string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of [...terms, ...ties.map((by) => ({ by, dir: 'asc' as const }))]) {
    if (seen.has(t.by)) continue;
    seen.add(t.by);
    out.push(`${name(t.by)} ${t.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`);
  }
  return out.join(', ');
}
