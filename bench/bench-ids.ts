// The ids the benchmark's variants name (variants.ts): the author with the most views in
// the `top` answer as of the benchmark's end, and the country with the most views.
import { askBlog } from '../engine/index.ts';
import type { Engine } from '../engine/engine.ts';
import { specFor } from '../server/routes/analytics.ts';
import type { BenchIds } from './variants.ts';

export async function busiestIds(engine: Engine, asOf: string): Promise<BenchIds> {
  const top = await askBlog(engine, specFor('top', { as_of: asOf, limit: 1 }, engine));
  const c = (await engine.db.query(`SELECT c.id, c.code FROM country c JOIN (SELECT country_id, count(*) n FROM fact_view GROUP BY 1) v ON v.country_id = c.id ORDER BY n DESC, c.id LIMIT 1`)).rows[0]!;
  return { author: top.kind === 'grouped' ? top.rows[0]!.id : 1, country: Number(c['id']), countryCode: String(c['code']) };
}
