// The work each benchmark variant's statement does on two snapshots side by side, from
// DuckDB's own profile: the rows its scans read (the same on any machine) and its
// operators' time summed (median of 5 runs), for comparing plans on a machine too loaded
// for wall times to mean much (waiting for a core is not in the operators' time).
// npx tsx bench/plan-work.ts BEFORE.duckdb AFTER.duckdb   (a Markdown table on stdout)
import { Engine } from '../engine/engine.ts';
import { askBlog, compileBlog } from '../engine/index.ts';
import { specFor } from '../server/routes/analytics.ts';
import { variants } from './variants.ts';
import { busiestIds } from './bench-ids.ts';

const paths = process.argv.slice(2);
if (paths.length !== 2) {
  console.error('usage: npx tsx bench/plan-work.ts BEFORE.duckdb AFTER.duckdb');
  process.exit(2);
}
const AS_OF = '2026-11-01T00:00:00.000Z';
const engines = await Promise.all(paths.map((p) => Engine.open(p, { cacheEntries: 0 })));
const first = engines[0]!;
const ids = await busiestIds(first, AS_OF);

interface ProfileNode {
  readonly operator_timing?: number;
  readonly operator_rows_scanned?: number;
  readonly children?: readonly ProfileNode[];
}
/** Rows scanned and operator seconds of one run of the statement, over its whole plan. */
async function profile(e: Engine, sql: string, params: unknown[]): Promise<{ rows: number; ms: number }> {
  const r = await e.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params as never);
  const sum = { rows: 0, ms: 0 };
  const walk = (n: ProfileNode) => {
    sum.rows += Number(n.operator_rows_scanned ?? 0);
    sum.ms += (n.operator_timing ?? 0) * 1000;
    for (const child of n.children ?? []) walk(child);
  };
  walk(JSON.parse(String(Object.values(r.rows[0]!)[1])) as ProfileNode);
  return sum;
}

console.log('| variant | rows read, before | after | operator ms, before | after | same answer |');
console.log('|---|---|---|---|---|---|');
for (const v of variants(ids)) {
  const out: { rows: number; ms: number; answer: string }[] = [];
  for (const e of engines) {
    const spec = specFor(v.endpoint, { as_of: AS_OF, ...v.members }, e);
    const q = compileBlog(e, spec);
    const answer = JSON.stringify(await askBlog(e, spec, { noCache: true }), (_, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await profile(e, q.sql, q.params));
    runs.sort((a, b) => a.ms - b.ms);
    out.push({ ...runs[2]!, answer });
  }
  const [a, b] = [out[0]!, out[1]!];
  console.log(`| ${v.name} | ${a.rows.toLocaleString('en')} | ${b.rows.toLocaleString('en')} | ${a.ms.toFixed(1)} | ${b.ms.toFixed(1)} | ${a.answer === b.answer ? 'yes' : 'NO'} |`);
}
for (const e of engines) e.close();
