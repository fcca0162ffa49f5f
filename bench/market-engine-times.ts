// Engine-only timings of the marketplace's benchmark variants (bench/market/variants.ts),
// for working on the plans: each request answered in-process (fastify inject, no cache),
// median of N runs. `--raw`: the plain plans (rollups: false), the reference.
//   npm run generate -- --dataset marketplace --orders 2500000 --out /tmp/market/data
//   npm run import -- /tmp/market/data --dataset marketplace --db /tmp/market/m.duckdb
//   npx tsx bench/market-engine-times.ts /tmp/market/m.duckdb /tmp/market/data [N] [--raw] [--only NAME] [--as-of ISO]
import { loadavg } from 'node:os';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { dataFacts } from './market/pg-peer.ts';
import { marketRequest } from './market/measure.ts';
import { marketVariants } from './market/variants.ts';
import { END } from './shape-run.ts';

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = opt('--only');
const asOf = opt('--as-of') ?? END.toISOString();
const [path, parquet, nArg] = args.filter((a, i) => !a.startsWith('--') && !['--only', '--as-of'].includes(args[i - 1] ?? ''));
const raw = args.includes('--raw');
const N = Number(nArg ?? 5);
const engine = await Engine.open(path!, { dataset: marketplaceDataset, cacheEntries: 0, ...(raw ? { rollups: false } : {}) });
const app = await buildApp({
  engine: () => undefined,
  engines: (name) => (name === 'marketplace' ? engine : undefined),
  limits: { maxEventLoopDelayMs: 0, rateLimitPerMinute: 0, queryTimeoutMs: 600_000 },
});
const { ids } = await dataFacts(parquet!);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`as_of ${asOf}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}${raw ? '; plain plans' : ''}`);
for (const v of marketVariants(ids)) {
  if (only && !v.name.includes(only)) continue;
  const { url, body } = marketRequest(v, asOf);
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const res = await app.inject({ method: v.method, url, headers: { 'cache-control': 'no-cache', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: body } : {}) });
    ms.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`${v.name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  }
  console.log(`${v.name.padEnd(44)} ${median(ms).toFixed(1).padStart(9)} ms   (min ${Math.min(...ms).toFixed(1)})`);
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
await app.close();
await engine.close();
