import { Engine } from './engine/engine.ts';
import { askBlog, compileBlog } from './engine/index.ts';
import { specFor } from './server/routes/analytics.ts';
import { variants } from './bench/variants.ts';
const engine = await Engine.open(process.argv[2]!, { cacheEntries: 0 });
const ids = { author: 3, country: 5, countryCode: 'USA' };
const out: Record<string, unknown> = {};
for (const v of variants(ids as never)) {
  const spec = specFor(v.endpoint, { as_of: '2026-11-01T00:00:00.000Z', ...v.members }, engine);
  out[v.name] = { ...compileBlog(engine, spec), answer: await askBlog(engine, spec) };
}
console.log(JSON.stringify(out));
await engine.close();
