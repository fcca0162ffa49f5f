// The compiled SQL, parameters and answer of every benchmark variant on a snapshot, as JSON
// on stdout: run from two checkouts, then `bench/sql-ab.ts` times both SQL sets
// interleaved in one process (a change's SQL cost, apart from the machine's noise).
// npx tsx bench/sql-dump.ts SNAPSHOT > dump.json
import { Engine } from '../engine/engine.ts';
import { askBlog, compileBlog } from '../engine/index.ts';
import { specFor } from '../server/routes/analytics.ts';
import { variants } from './variants.ts';

const path = process.argv[2];
if (!path) {
  console.error('usage: npx tsx bench/sql-dump.ts SNAPSHOT > dump.json');
  process.exit(2);
}
const engine = await Engine.open(path, { cacheEntries: 0 });
const top = await askBlog(engine, specFor('top', { as_of: '2026-11-01T00:00:00.000Z', limit: 1 }, engine));
const author = top.kind === 'grouped' ? (top.rows[0]?.id ?? 1) : 1;
const c = (await engine.db.query(`SELECT id, code FROM country ORDER BY id LIMIT 1`)).rows[0]!;
const out: Record<string, unknown> = {};
for (const v of variants({ author, country: Number(c['id']), countryCode: String(c['code']) })) {
  const spec = specFor(v.endpoint, { as_of: '2026-11-01T00:00:00.000Z', ...v.members }, engine);
  out[v.name] = { ...compileBlog(engine, spec), answer: await askBlog(engine, spec) };
}
console.log(JSON.stringify(out));
await engine.close();
