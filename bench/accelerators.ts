// The price of each table and accelerator of a snapshot: the time its statement took at
// import and the bytes it holds, as a Markdown table on stdout (for the README).
// npx tsx bench/accelerators.ts SOURCE-FOLDER [SNAPSHOT-PATH]
import { rmSync } from 'node:fs';
import { importSnapshot } from '../data/import.ts';
import { Database } from '../engine/db.ts';

const [source, out = '/tmp/accelerators.duckdb'] = process.argv.slice(2);
if (!source) {
  console.error('usage: npx tsx bench/accelerators.ts SOURCE-FOLDER [SNAPSHOT-PATH]');
  process.exit(2);
}
rmSync(out, { force: true });
const steps: { table: string; part: string; ms: number }[] = [];
const t0 = performance.now();
await importSnapshot({
  source,
  dbPath: out,
  onStep: (step, ms) => {
    const table = /^CREATE (?:TABLE|VIEW) "([^"]+)"/.exec(step.sql)?.[1];
    if (table) steps.push({ table, part: step.part, ms });
  },
});
const total = (performance.now() - t0) / 1000;
const db = await Database.open(out, { readOnly: true });
try {
  const lines = [`Import of ${source}: ${total.toFixed(1)} s in all (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB).`, '', '| table | part | rows | build s | MiB |', '|---|---|---|---|---|'];
  for (const s of steps) {
    const rows = (await db.query(`SELECT estimated_size AS n FROM duckdb_tables() WHERE table_name = $1`, [s.table])).rows[0]?.['n'];
    // Bytes: the distinct storage blocks of the table's column segments (256 KiB each).
    const blocks = rows === undefined ? null : (await db.query(`SELECT count(DISTINCT block_id) AS b FROM pragma_storage_info('${s.table.replaceAll("'", "''")}') WHERE persistent`)).rows[0]?.['b'];
    const mib = blocks == null ? '' : ((Number(blocks) * 262144) / 2 ** 20).toFixed(0);
    lines.push(`| ${s.table} | ${s.part} | ${rows === undefined ? 'view' : Number(rows).toLocaleString('en-US')} | ${(s.ms / 1000).toFixed(1)} | ${mib} |`);
  }
  console.log(lines.join('\n'));
} finally {
  db.close();
}
