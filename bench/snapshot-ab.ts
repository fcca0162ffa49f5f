// The benchmark's variants asked of two snapshots of the same data (an import before and
// after a layout change) in turn, in one process: medians of N per variant and whether the
// answers are the same. npx tsx bench/snapshot-ab.ts BEFORE.duckdb AFTER.duckdb [N] [name part]
import { Engine } from '../engine/engine.ts';
import { askBlog } from '../engine/index.ts';
import { specFor } from '../server/routes/analytics.ts';
import { variants } from './variants.ts';
import { busiestIds } from './bench-ids.ts';
const [pa, pb, n, only] = process.argv.slice(2);
if (!pa || !pb) {
  console.error('usage: npx tsx bench/snapshot-ab.ts BEFORE.duckdb AFTER.duckdb [N] [name part]');
  process.exit(2);
}
const N = Number(n ?? 7);
const ea = await Engine.open(pa!, { cacheEntries: 0 });
const eb = await Engine.open(pb!, { cacheEntries: 0 });
const AS_OF = '2026-11-01T00:00:00.000Z';
const ids = await busiestIds(ea, AS_OF);
for (const v of variants(ids)) {
  if (only && !v.name.includes(only)) continue;
  const ta: number[] = [], tb: number[] = [];
  let ra = '', rb = '';
  for (let i = 0; i < N; i++) for (const [e, t, w] of [[ea, ta, 'a'], [eb, tb, 'b']] as const) {
    const spec = specFor(v.endpoint, { as_of: AS_OF, ...v.members }, e);
    const s = performance.now(); const r = await askBlog(e, spec, { noCache: true }); t.push(performance.now() - s);
    if (w === 'a') ra = JSON.stringify(r); else rb = JSON.stringify(r);
  }
  ta.sort((x, y) => x - y); tb.sort((x, y) => x - y);
  const ma = ta[N >> 1]!, mb = tb[N >> 1]!;
  console.log(`${v.name.padEnd(45)} ${ma.toFixed(1).padStart(7)} ${mb.toFixed(1).padStart(7)}  ${(ma / mb).toFixed(2)}x ${ra === rb ? 'same' : 'DIFFERENT'}`);
}
await ea.close(); await eb.close();
