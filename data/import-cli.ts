// npm run import -- SOURCE [--dataset NAME] [--db PATH] [--schema NAME] [--to clickhouse]; --help for more.
import { Option } from 'commander';
import { DATASETS, datasetNamed } from '../engine/index.ts';
import { clickhouseDatabase, loadConfig } from '../server/config.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { importSnapshot } from './import.ts';
import { importToClickHouse } from './clickhouse-load.ts';
import { command, memorySize, parse, run, usageError } from './cli.ts';

const program = command(
  'npm run import --',
  'Builds a snapshot from SOURCE and puts it at --db in one step: a failed import leaves the previous snapshot as it was.',
  [
    'npm run import -- data/generated',
    'npm run import -- ./exports/csv --db /srv/analytics.duckdb',
    'npm run import -- /tmp/views-100m --db /tmp/views-100m.duckdb --memory-limit 8GB',
    'npm run import -- ./old-service.sql',
    'npm run import -- postgres://postgres@127.0.0.1:5432/test --schema public',
    'npm run import -- data/generated-marketplace --dataset marketplace',
    'CLICKHOUSE_URL=http://127.0.0.1:8123 npm run import -- data/generated --to clickhouse',
    'npm run import -- data/generated-members --dataset members',
  ],
)
  .argument('<source>', 'a folder of .parquet or .csv files (one per table), a pg_dump plain-SQL file, or a postgres:// URL')
  .addOption(new Option('--dataset <name>', 'the dataset SOURCE holds').choices(Object.keys(DATASETS)).default('blog'))
  .option('--db <path>', 'the snapshot file to write (default: the blog\'s $ANALYTICS_DB, else data/analytics.duckdb; another dataset\'s <name>.duckdb in $DATA_DIR, else in data/)')
  .option('--schema <name>', 'the schema of a postgres:// source', 'public')
  .option('--memory-limit <size>', "DuckDB's memory limit while importing (8GB, 512MiB); beyond it sorts spill to disk beside --db (default: 1GiB per 10M rows of the fact table, at most a quarter of the memory)", memorySize)
  .addOption(
    new Option('--to <backend>', 'where the data go: a DuckDB snapshot file (--db), or ClickHouse ($CLICKHOUSE_URL, else chdb in this process; $CLICKHOUSE_DATABASE, $CLICKHOUSE_CLUSTER)')
      .choices(['duckdb', 'clickhouse'])
      .default('duckdb'),
  );
parse(program);
const source = program.args[0]!;
const o = program.opts<{ dataset: string; db?: string; schema: string; to: 'duckdb' | 'clickhouse'; memoryLimit?: string }>();
if (o.to === 'clickhouse' && o.memoryLimit) usageError(program, "option '--memory-limit' is DuckDB's: it does not apply to --to clickhouse");

// One line a person can act on; the stack (DEBUG=1) only for whoever debugs the importer.
await run(
  async (progress) => {
    const dataset = datasetNamed(o.dataset);
    if (o.to === 'clickhouse') {
      const c = loadConfig().clickhouse;
      const database = clickhouseDatabase(c, dataset.name);
      const ch = await ClickHouse.connect({ url: c.url, database, cluster: c.cluster, chdbPath: c.chdbPath });
      const url = c.url ? new URL(c.url) : undefined;
      const t0 = performance.now();
      try {
        const meta = await importToClickHouse({ source, schema: o.schema, dataset, progress, ch, user: url?.username ? decodeURIComponent(url.username) : 'default', password: url ? decodeURIComponent(url.password) : '' });
        progress.stop();
        const counts = Object.entries(meta.rows).map(([t, n]) => `${t} ${n}`).join(', ');
        console.log(`imported ${counts} into ClickHouse ${ch.path}${c.cluster ? ` (cluster ${c.cluster})` : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } finally {
        await ch.close();
      }
      return;
    }
    const dbPath = o.db ?? loadConfig().snapshots.find((s) => s.dataset === dataset.name)!.path;
    const t0 = performance.now();
    const meta = await importSnapshot({ source, dbPath, schema: o.schema, dataset, progress, memoryLimit: o.memoryLimit });
    progress.stop();
    const secs = (performance.now() - t0) / 1000;
    const counts = Object.entries(meta.rows).map(([t, n]) => `${t} ${n}`).join(', ');
    const root = dataset.catalog.root;
    const facts = meta.rows[root] ?? 0;
    console.log(`imported ${counts} into ${dbPath} in ${secs.toFixed(1)} s (${Math.round(facts / secs)} ${root === 'blog_view' ? 'views' : `${root} rows`}/s)`);
  },
  { describe: (m) => `import failed: ${m} (the previous snapshot, if any, is unchanged)` },
);
