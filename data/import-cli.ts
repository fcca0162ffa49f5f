// npm run import -- SOURCE [--db PATH] [--schema NAME]; --help for more.
import { DEFAULT_ANALYTICS_DB, loadConfig } from '../server/config.ts';
import { importSnapshot } from './import.ts';
import { command, parse, run } from './cli.ts';

const program = command(
  'npm run import --',
  'Builds a snapshot from SOURCE and puts it at --db in one step: a failed import leaves the previous snapshot as it was.',
  [
    'npm run import -- data/generated',
    'npm run import -- ./exports/csv --db /srv/analytics.duckdb',
    'npm run import -- ./old-service.sql',
    'npm run import -- postgres://postgres@127.0.0.1:5432/test --schema public',
  ],
)
  .argument('<source>', 'a folder of .parquet or .csv files (one per table), a pg_dump plain-SQL file, or a postgres:// URL')
  .option('--db <path>', `the snapshot file to write (default: $ANALYTICS_DB, else ${DEFAULT_ANALYTICS_DB})`)
  .option('--schema <name>', 'the schema of a postgres:// source', 'public');
parse(program);
const source = program.args[0]!;
const o = program.opts<{ db?: string; schema: string }>();

// One line a person can act on; the stack (DEBUG=1) only for whoever debugs the importer.
await run(
  async (progress) => {
    const dbPath = o.db ?? loadConfig().analyticsDb;
    const t0 = performance.now();
    const meta = await importSnapshot({ source, dbPath, schema: o.schema, progress });
    progress.stop();
    const secs = (performance.now() - t0) / 1000;
    const counts = Object.entries(meta.rows).map(([t, n]) => `${t} ${n}`).join(', ');
    const views = meta.rows['blog_view'] ?? 0;
    console.log(`imported ${counts} into ${dbPath} in ${secs.toFixed(1)} s (${Math.round(views / secs)} views/s)`);
  },
  { describe: (m) => `import failed: ${m} (the previous snapshot, if any, is unchanged)` },
);
