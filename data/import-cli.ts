// npm run import -- SOURCE [--db PATH] [--schema NAME]
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../server/config.ts';
import { importSnapshot } from './import.ts';
import { firstLine } from './read-source.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { db: { type: 'string' }, schema: { type: 'string', default: 'public' } },
});
const source = positionals[0];
if (!source) {
  console.error('usage: npm run import -- SOURCE [--db PATH] [--schema NAME]');
  process.exit(2);
}

// A progress bar per streamed table on a terminal; plain lines otherwise.
const tty = process.stdout.isTTY === true;
const bars = tty
  ? new cliProgress.MultiBar({ format: ' {table} | {value} rows | {rate} rows/s', hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic)
  : undefined;
const started = new Map<string, { t0: number; bar?: cliProgress.SingleBar }>();
const onRows = (table: string, rows: number) => {
  let s = started.get(table);
  if (!s) {
    s = { t0: performance.now() };
    if (bars) s.bar = bars.create(0, 0, { table, rate: 0 });
    started.set(table, s);
  }
  const rate = Math.round(rows / Math.max(0.001, (performance.now() - s.t0) / 1000));
  if (s.bar) s.bar.update(rows, { table, rate });
  else if (rows % 1_000_000 === 0) console.log(`${table}: ${rows} rows read (${rate} rows/s)`);
};
const log = (line: string) => (bars ? bars.log(`${line}\n`) : console.log(line));

let dbPath = values.db;
try {
  dbPath ??= loadConfig().analyticsDb;
  const t0 = performance.now();
  const meta = await importSnapshot({ source, dbPath, schema: values.schema, log, onRows });
  bars?.stop();
  const secs = (performance.now() - t0) / 1000;
  const counts = Object.entries(meta.rows).map(([t, n]) => `${t} ${n}`).join(', ');
  const views = meta.rows['blog_view'] ?? 0;
  console.log(`imported ${counts} into ${dbPath} in ${secs.toFixed(1)} s (${Math.round(views / secs)} views/s)`);
} catch (e) {
  bars?.stop();
  // One line a person can act on; the stack only for whoever debugs the importer.
  console.error(`import failed: ${firstLine(e)} (the previous snapshot, if any, is unchanged)`);
  if (process.env['DEBUG']) console.error(e);
  process.exit(1);
}
