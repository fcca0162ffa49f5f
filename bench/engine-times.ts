// Quick engine-only timings of the benchmark's variants (median of N runs each), for
// working on the plans: npx tsx bench/engine-times.ts SNAPSHOT [N] [--raw]
import { Engine } from '../engine/engine.ts';
import { askBlog } from '../engine/index.ts';
import { specFor } from '../server/routes/analytics.ts';
import { variants } from './variants.ts';

const [path, nArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const raw = process.argv.includes('--raw');
const N = Number(nArg ?? 7);
const AS_OF = '2026-11-01T00:00:00.000Z';
const engine = await Engine.open(path!, { cacheEntries: 0, ...(raw ? { rollups: false } : {}) });
const top = await askBlog(engine, specFor('top', { as_of: AS_OF, limit: 1 }, engine));
const c = (await engine.db.query(`SELECT c.id, c.code FROM country c JOIN (SELECT country_id, count(*) n FROM fact_view GROUP BY 1) v ON v.country_id = c.id ORDER BY n DESC, c.id LIMIT 1`)).rows[0]!;
const ids = { author: top.kind === 'grouped' ? top.rows[0]!.id : 1, country: Number(c['id']), countryCode: String(c['code']) };
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
