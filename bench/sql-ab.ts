// Two dumps of the variants' SQL (bench/sql-dump.ts, from two checkouts) timed interleaved
// in one DuckDB over one snapshot: the median of each, and their ratio, as a Markdown table.
// npx tsx bench/sql-ab.ts BEFORE.json AFTER.json SNAPSHOT [RUNS]
import { readFileSync } from 'node:fs';
import { Database } from '../engine/db.ts';
import type { Param } from '../engine/db.ts';

type Dump = Record<string, { sql: string; params: Param[]; answer: unknown }>;
const [beforePath, afterPath, snapshot, runs = '21'] = process.argv.slice(2);
if (!beforePath || !afterPath || !snapshot) {
  console.error('usage: npx tsx bench/sql-ab.ts BEFORE.json AFTER.json SNAPSHOT [RUNS]');
  process.exit(2);
}
const before = JSON.parse(readFileSync(beforePath, 'utf8')) as Dump;
const after = JSON.parse(readFileSync(afterPath, 'utf8')) as Dump;
const db = await Database.open(snapshot, { readOnly: true });
const time = async (q: Dump[string]) => {
  const t = performance.now();
  await db.query(q.sql, q.params);
  return performance.now() - t;
};
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
console.log('| variant | before p50 ms | after p50 ms | after / before | same answer |\n|---|---|---|---|---|');
for (const name of Object.keys(before)) {
  const [a, b] = [before[name]!, after[name]!];
  const ta: number[] = [];
  const tb: number[] = [];
  await time(a);
  await time(b);
  // Alternating which goes first, so that neither always runs on a warmer cache.
  for (let i = 0; i < Number(runs); i++) {
    if (i % 2) ta.push(await time(a)), tb.push(await time(b));
    else tb.push(await time(b)), ta.push(await time(a));
  }
  const same = JSON.stringify(a.answer) === JSON.stringify(b.answer);
  console.log(`| ${name} | ${median(ta).toFixed(1)} | ${median(tb).toFixed(1)} | ${(median(tb) / median(ta)).toFixed(2)} | ${same ? 'yes' : 'NO'} |`);
}
db.close();
