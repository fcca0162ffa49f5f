// The per-customer rollup copied into the customer rows (RollupDef.copyTo): the customers
// list over `min_spent` reads, filters and ranks them on the rows themselves, its other
// figures (average order value, first and last order) read after paging and its ranks a
// window over (key, spend) only (list-figures.ts); cohorts over all time read each
// customer's first counted order there (cohort-firsts.ts) and the (customer, month) rows as
// they are. Answered by an engine reading them, by one reading the fact table alone
// (rollups: false), and by the brute-force references over the source's lines.
import { describe, expect, it } from 'vitest';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { customersPlan } from '../engine/datasets/marketplace/customers.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import { fieldsFrom } from '../engine/query/paths.ts';
import type { FilterNode } from '../engine/filter/parse.ts';
import type { CohortPlan, ListPlan } from '../engine/query/nodes.ts';
import { useMarketApp, usePlainMarket } from './market-fixture.ts';
import { WINDOWS, askMarket as ask } from './market-grain-cases.ts';
import { AS_OF } from './market-endpoints.ts';
import { cohortsReference } from './market-fixed-references.ts';
import { customerReference, customersReference, readSource, winOf } from './market-lists-reference.ts';

const m = useMarketApp('mcopies-', 600, 5, { cacheEntries: 0, threads: 1 });
const plain = usePlainMarket(m);
const fields = fieldsFrom(marketplaceDataset.catalog, marketplaceDataset.catalog.root);
const sql = (p: ListPlan | CohortPlan, o: CompileOptions) => compilePlan(p, marketplaceDataset, fields, o).sql;
const ALL = { start: null, end: '2030-01-01 00:00:00.000000' };
/** The snapshot's features without the copy into the customer rows (an older snapshot). */
const uncopied = (): CompileOptions => ({ ...plain.features, rollupCopies: new Set([...(plain.features.rollupCopies ?? [])].filter((r) => r !== 'rollup_counted_customer_all')) });

describe('the customers list on the copied figures', () => {
  it('reads the customer rows alone, the average after paging and the ranks from a window of keys', () => {
    const list = sql(customersPlan(ALL, undefined, '100.00', { limit: 100, offset: 100 }), plain.features);
    expect(list).toContain('"rollup_counted_customer_all__sum_line_total"');
    expect(list).not.toContain('"rollup_counted_customer_all" AS');
    expect(list).toContain('"__ranks"');
    // The average (a HUGEINT division) is not computed in __rows.
    const rows = list.slice(list.indexOf('"__rows" AS'), list.indexOf('"__page" AS'));
    expect(rows).not.toContain('HUGEINT');
    // Without the copy, the rollup joined, as before.
    expect(sql(customersPlan(ALL, undefined, '100.00', { limit: 100, offset: 100 }), uncopied())).toContain('"rollup_counted_customer_all" AS');
  });

  it('answers min_spent, pages, filters and windows as the plain plan and the reference do', async () => {
    const src = await readSource(m.fx);
    const filters: { json?: unknown; keep: (c: { id: number; city: string | null }) => boolean }[] = [
      { keep: () => true },
      { json: { field: 'city', op: 'isnull', value: true }, keep: (c) => c.city === null },
      { json: { field: 'id', op: 'lt', value: 300 }, keep: (c) => c.id < 300 },
    ];
    const windows = [{ members: {}, w: winOf(null, AS_OF) }, { members: { start: '2026-01-01T00:00:00Z', end: '2026-06-01T00:00:00Z' }, w: winOf('2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z') }];
    let rows = 0;
    for (const { members, w } of windows)
      for (const f of filters)
        for (const min of [undefined, '0', '100.00', '250.005'])
          for (const page of [{ limit: 7, offset: 0 }, { limit: 7, offset: 7 }, { limit: 1000, offset: 0 }]) {
            const payload = { ...members, ...page, ...(min === undefined ? {} : { min_spent: min }), ...(f.json === undefined ? {} : { filters: f.json }) };
            const fast = await ask(m.app, 'customers', payload);
            const what = JSON.stringify(payload);
            expect(fast, what).toEqual(await ask(plain.app, 'customers', payload));
            const want = customersReference(src, m.fx.lines, w, f.keep, min);
            expect(fast.count, what).toBe(want.length);
            expect(fast.data, what).toEqual(want.slice(page.offset, page.offset + page.limit));
            rows += want.length;
          }
    expect(rows).toBeGreaterThan(1000);
    // One customer: ranked among all buyers (the pick after the ranks).
    const ids = [...new Set(m.fx.lines.map((l) => l['order__customer'] as number))].slice(0, 8);
    for (const id of [...ids, 1001, 1002, 1003]) {
      const r = await m.app.inject({ method: 'GET', url: `/api/v1/marketplace/customers/${id}?as_of=${AS_OF}` });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().data, String(id)).toEqual(customerReference(src, m.fx.lines, winOf(null, AS_OF), id));
    }
  }, 300_000);
});

describe('cohorts with the first orders copied into the customer rows', () => {
  const plan = (window: CohortPlan['window'], filter?: FilterNode): CohortPlan => ({
    kind: 'cohort', dataset: 'marketplace', window, entity: 'order__customer', filter, granularity: 'month', tz: 'UTC', periods: 12, measure: 'revenue',
  });

  it('reads the first orders from the customer rows over all time only, and the (customer, month) rows ungrouped', () => {
    const all = sql(plan({ start: null, end: '2026-11-01 00:00:00.000000' }), plain.features);
    expect(all).toContain('"rollup_counted_customer_all__first_time"');
    expect(all).not.toContain('min(b)');
    expect(all.slice(0, all.indexOf('), firsts'))).not.toContain('GROUP BY');
    // A window starting after the first order: an entity's first in it is not its first.
    expect(sql(plan({ start: '2026-01-01 00:00:00.000000', end: '2026-11-01 00:00:00.000000' }), plain.features)).toContain('min(b)');
    expect(sql(plan({ start: null, end: '2026-11-01 00:00:00.000000' }), uncopied())).toContain('min(b)');
  });

  it('answers in every window, zone and filter as the plain plan and the reference do', async () => {
    const src = await readSource(m.fx);
    const filters: { json?: unknown; keep?: (c: number) => boolean }[] = [
      {},
      { json: { field: 'city', op: 'isnull', value: true }, keep: (c) => src.customers.find((x) => x.id === c)?.city === null },
      { json: { field: 'id', op: 'gte', value: 1002 }, keep: (c) => c >= 1002 },
    ];
    let cohorts = 0;
    for (const compare of ['month', 'week'] as const)
      for (const w of [...WINDOWS, { end: '2019-04-30T23:30:00Z' }, { end: '2026-03-15T10:00:00.000001Z' }])
        for (const f of filters) {
          const payload = { compare, periods: 12, ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
          const fast = await ask(m.app, 'cohorts', payload);
          const what = JSON.stringify(payload);
          expect(fast, what).toEqual(await ask(plain.app, 'cohorts', payload));
          const want = cohortsReference(m.fx.lines, { as_of: AS_OF, compare, periods: 12, ...w }, f.keep);
          expect(fast.data, what).toEqual(want);
          cohorts += want.length;
        }
    expect(cohorts).toBeGreaterThan(100);
  }, 300_000);
});
