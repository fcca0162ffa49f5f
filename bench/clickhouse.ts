// `npm run bench -- --backend clickhouse`: the blog's variants answered by both backends side
// by side on the same data, in this process: the DuckDB snapshot (with its accelerators) and
// the same tables in ClickHouse (chdb in this process, or the server at CLICKHOUSE_URL),
// loaded by the importer's ClickHouse target. Each answer is checked against DuckDB's; the
// medians go to stdout as Markdown and to bench/results/bench-clickhouse-<N>[-quick].md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { askBlog } from '../engine/index.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { loadIntoClickHouse } from '../data/clickhouse-load.ts';
import { specFor } from '../server/routes/analytics.ts';
import { clickhouseDatabase, loadConfig } from '../server/config.ts';
import type { Reporter } from '../data/progress-report.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { variants } from './variants.ts';

const END = new Date('2026-11-01T00:00:00Z');
const AS_OF = '2026-11-01T00:00:00.000Z';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export async function benchClickHouse(o: { root: string; views: number; quick: boolean }, progress: Reporter): Promise<string> {
  const data = join(o.root, 'bench', 'data');
  mkdirSync(data, { recursive: true });
  const parquet = join(data, `views-${o.views}`);
  const snapshot = join(data, `views-${o.views}.duckdb`);
  if (!existsSync(join(parquet, 'blog_view.parquet'))) await generate({ views: o.views, seed: 42, out: parquet, end: END });
  if (!existsSync(snapshot)) await importSnapshot({ source: parquet, dbPath: snapshot, progress });
  const c = loadConfig().clickhouse;
  const database = `${clickhouseDatabase(c, 'blog')}_bench_${o.views}`;
  const ch = await ClickHouse.connect({ url: c.url, database, cluster: c.cluster, chdbPath: join(data, 'chdb') });
  const t0 = performance.now();
  await loadIntoClickHouse({ snapshot, catalog: blogCatalog, ch, progress });
  const loadS = (performance.now() - t0) / 1000;
  const duck = await Engine.open(snapshot, { cacheEntries: 0 });
  const house = await Engine.openClickHouse(ch, { cacheEntries: 0 });
  try {
    const top = await askBlog(duck, specFor('top', { as_of: AS_OF, limit: 1 }, duck));
    const busiest = (await duck.db.query(`SELECT country_id AS id, count(*) AS n FROM fact_view WHERE country_id IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1`)).rows[0]!;
    const code = (await duck.db.query(`SELECT code FROM country WHERE id = $1::BIGINT`, [busiest['id'] as number])).rows[0]!['code'];
    const ids = { author: top.kind === 'grouped' ? top.rows[0]!.id : 1, country: Number(busiest['id']), countryCode: String(code) };
    const runs = o.quick ? 3 : 9;
    const lines = [
      `Views: ${o.views.toLocaleString('en-US')} (skewed shape), engine time in this process, median of ${runs} uncached runs; ClickHouse: ${c.url ? 'the server at CLICKHOUSE_URL' : 'chdb 3.4 in process'}, loaded in ${loadS.toFixed(1)} s.`,
      '',
      '| variant | DuckDB ms | ClickHouse ms | ClickHouse / DuckDB | same answer |',
      '|---|---|---|---|---|',
    ];
    const list = variants(ids);
    progress.phase('ClickHouse beside DuckDB', list.length, 'variants');
    for (const v of list) {
      const spec = specFor(v.endpoint, { as_of: AS_OF, ...v.members }, duck);
      const time = async (e: Engine) => {
        const ts: number[] = [];
        let answer: unknown;
        for (let i = 0; i < runs; i++) {
          const t = performance.now();
          answer = await askBlog(e, spec, { noCache: true });
          ts.push(performance.now() - t);
        }
        return { ms: median(ts), answer: JSON.stringify(answer) };
      };
      const a = await time(duck);
      const b = await time(house);
      lines.push(`| ${v.name} | ${ms(a.ms)} | ${ms(b.ms)} | ${(b.ms / a.ms).toFixed(1)}x | ${a.answer === b.answer ? 'yes' : 'NO'} |`);
      if (a.answer !== b.answer) throw new Error(`ClickHouse answers '${v.name}' otherwise than DuckDB`);
      progress.tick(1);
    }
    const table = `${lines.join('\n')}\n`;
    const out = join(o.root, 'bench', 'results', `bench-clickhouse-${o.views}${o.quick ? '-quick' : ''}.md`);
    writeFileSync(out, table);
    return table;
  } finally {
    await duck.close();
    await house.close();
  }
}
