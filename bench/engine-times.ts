// Quick engine-only timings of the benchmark's variants (median of N runs each), for
// working on the plans: npx tsx bench/engine-times.ts SNAPSHOT [N] [--raw]
import { Engine } from '../engine/engine.ts';
import { askBlog } from '../engine/index.ts';
import { specFor } from '../server/routes/analytics.ts';
import { variants } from './variants.ts';
import { busiestIds } from './bench-ids.ts';

const [path, nArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const raw = process.argv.includes('--raw');
const N = Number(nArg ?? 7);
const AS_OF = '2026-11-01T00:00:00.000Z';
const engine = await Engine.open(path!, { cacheEntries: 0, ...(raw ? { rollups: false } : {}) });
const ids = await busiestIds(engine, AS_OF);
for (const v of variants(ids)) {
  const spec = specFor(v.endpoint, { as_of: AS_OF, ...v.members }, engine);
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await askBlog(engine, spec, { noCache: true });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${v.name.padEnd(45)} ${times[Math.floor(N / 2)]!.toFixed(1).padStart(8)} ms`);
}
engine.close();
