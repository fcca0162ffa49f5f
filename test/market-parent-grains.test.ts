// Revenue, orders and units per parent category (the query endpoint grouped by the parent's
// name, by month, by day and over the window): answered from the counted grains keyed by
// the parent's name (RollupDef.paths, counted-segments.ts), by an engine reading the fact
// table alone (rollups: false), and by a brute-force reference over the source's lines
// (plain SQL over the Parquet files: market-fixture.ts). Orders do not add up over a
// parent's categories: the fixture's orders hold lines of several categories of one parent.
import { describe, expect, it } from 'vitest';
import { useMarketApp, usePlainMarket } from './market-fixture.ts';
import { FILTERS, WINDOWS, askMarket as ask } from './market-grain-cases.ts';
import { countedLines, lineCents } from './market-endpoints.ts';
import { money } from './market-reference.ts';

const m = useMarketApp('mparent-', 600, 5, { cacheEntries: 0, threads: 1 });
const plain = usePlainMarket(m);

describe('revenue and orders per parent category', () => {
  // The grains keyed by the parent's name: by month and by day (partial days at the edges
  // from the fact table), in UTC and in zones (the fact table), with filters the grains
  // cannot read; the reference counts distinct orders per (name, UTC bucket) of the lines.
  it('answers by month, by day and in all as the plain plan and the reference do', async () => {
    let checked = 0;
    for (const granularity of [undefined, 'month', 'day'] as const) {
      for (const w of WINDOWS) {
        for (const f of FILTERS) {
          const payload = { measures: ['revenue', 'orders', 'items_sold'], dimensions: ['product__category__parent__name'], limit: 100_000, ...(granularity ? { time: { granularity } } : {}), ...w, ...(f.json === undefined ? {} : { filters: f.json }) };
          const fast = await ask(m.app, 'query', payload);
          const what = JSON.stringify(payload);
          expect(fast, what).toEqual(await ask(plain.app, 'query', payload));
          if (w.tz !== undefined) continue;
          const cells = new Map<string, { cents: bigint; orders: Set<unknown>; items: number }>();
          for (const l of countedLines(m.fx.lines, w, f.where)) {
            const at = new Date(Number(l['_at']) / 1000).toISOString();
            const k = `${granularity === 'month' ? `${at.slice(0, 7)}-01` : granularity === 'day' ? at.slice(0, 10) : ''}|${String(l['product__category__parent__name'])}`;
            const c = cells.get(k) ?? { cents: 0n, orders: new Set(), items: 0 };
            cells.set(k, c);
            c.cents += lineCents(l);
            c.orders.add(l['order']);
            c.items += Number(l['quantity']);
          }
          const rows = (fast.data as Record<string, unknown>[]).filter((r) => Number(r['orders']) > 0);
          const got = new Map(rows.map((r) => [`${granularity ? String(r['period']).slice(0, 10) : ''}|${String(r['product__category__parent__name'])}`, [r['revenue'], r['orders'], r['items_sold']]]));
          expect(got, what).toEqual(new Map([...cells].map(([k, c]) => [k, [money(c.cents), c.orders.size, c.items]])));
          checked += cells.size;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  }, 300_000);
});

