// npm run bench -- [--views N] [--shape skewed|uniform|both] [--quick] [--no-pg] [--readme];
// npm run bench -- --dataset marketplace [--orders N] [--quick] [--no-pg] [--readme];
// npm run bench -- --dataset members [--members N] [--periods P] [--quick] [--no-pg] [--readme]; --help for more.
// Blog: for each data shape (both by default: the generator's skewed traffic, then even
// traffic), generates (or reuses) N views, starts the real server, and measures every
// variant over HTTP with tinybench, beside the engine alone, the bare DuckDB SQL (the floor)
// and PostgreSQL over the old service's schema and indexes; then a mixed workload at
// concurrency 16 (autocannon). Writes bench/results/bench-[uniform-]<N>.{json,md,svg}; the
// tables go to stdout, each under its shape, progress to stderr, the server's log to
// bench/results/server-[uniform-]<N>.log (shape-run.ts). Marketplace: the same over its
// endpoints and the Django shop schema (market/run.ts); members: /fetch/ and the members
// endpoints beside the old service's Django tables (members/run.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHAPE_SUMMARY } from '../data/dimensions.ts';
import type { Shape } from '../data/dimensions.ts';
import { parse, run, usageError } from '../data/cli.ts';
import type { Reporter } from '../data/progress-report.ts';
import { markdown, updateReadme, withTables } from './report.ts';
import { runShape, shapePaths } from './shape-run.ts';
import { benchOptions, benchProgram } from './options.ts';
import type { BenchOptions } from './options.ts';
import { runMarket } from './market/run.ts';
import { benchClickHouse } from './clickhouse.ts';
import { marketMarkdown, updateMarketReadme, withMarketTable } from './market/report.ts';
import { runMembers } from './members/run.ts';
import { membersMarkdown, updateMembersReadme, withMembersTable } from './members/report.ts';

const program = benchProgram();
parse(program);
const parsed = benchOptions(program);
if ('error' in parsed) usageError(program, parsed.error);
const o = parsed;

const root = join(import.meta.dirname, '..');
const readme = join(root, 'README.md');

async function blog(o: Extract<BenchOptions, { dataset: 'blog' }>, progress: Reporter): Promise<void> {
  const { shapes } = o;
  // A README without a shape's section fails now, not after the runs.
  if (o.readme) withTables(readFileSync(readme, 'utf8'), new Map(shapes.map((s) => [s, ''])));
  const tables = new Map<Shape, string>();
  const disagreements: string[] = [];
  for (const shape of shapes) {
    const options = { root, views: o.views, shape, quick: o.quick, pg: o.pg };
    const { dataDir, resultsDir } = shapePaths(options);
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(resultsDir, { recursive: true });
    progress.note(`${shape} shape (${SHAPE_SUMMARY[shape]}), ${o.views.toLocaleString('en-US')} views`);
    const report = await runShape(options, progress);
    tables.set(shape, markdown(report));
    disagreements.push(...report.variants.filter((r) => r.pgAgrees === false).map((r) => `${r.name} (${shape})`));
  }
  if (o.readme) updateReadme(readme, tables);
  progress.stop();
  process.stdout.write([...tables].map(([shape, table]) => `## ${shape} shape\n\n${table}`).join('\n'));
  if (disagreements.length) throw new Error(`PostgreSQL disagrees on: ${disagreements.join(', ')}`);
}

async function marketplace(o: Extract<BenchOptions, { dataset: 'marketplace' }>, progress: Reporter): Promise<void> {
  if (o.readme) withMarketTable(readFileSync(readme, 'utf8'), '');
  progress.note(`marketplace, ${o.orders.toLocaleString('en-US')} orders`);
  const report = await runMarket({ root, orders: o.orders, quick: o.quick, pg: o.pg, iterations: o.iterations }, progress);
  const table = marketMarkdown(report);
  if (o.readme) updateMarketReadme(readme, table);
  progress.stop();
  process.stdout.write(`## marketplace\n\n${table}`);
  const disagreements = report.variants.filter((r) => r.served && r.pgAgrees === false).map((r) => (r.served ? `${r.name} (${r.pgDifference})` : r.name));
  if (disagreements.length) throw new Error(`PostgreSQL disagrees on: ${disagreements.join('; ')}`);
}

async function members(o: Extract<BenchOptions, { dataset: 'members' }>, progress: Reporter): Promise<void> {
  if (o.readme) withMembersTable(readFileSync(readme, 'utf8'), '');
  progress.note(`members, ${o.members.toLocaleString('en-US')} members x ${o.periods} periods`);
  const report = await runMembers({ root, members: o.members, periods: o.periods, quick: o.quick, pg: o.pg }, progress);
  const table = membersMarkdown(report);
  if (o.readme) updateMembersReadme(readme, table);
  progress.stop();
  process.stdout.write(`## members\n\n${table}`);
  const disagreements = [
    ...(report.fetch.pgAgrees === false ? ['/fetch/'] : []),
    ...report.variants.filter((r) => r.served && r.pgAgrees === false && !r.agreesWithout).map((r) => (r.served ? `${r.name} (${r.pgDifference})` : r.name)),
  ];
  if (disagreements.length) throw new Error(`PostgreSQL disagrees on: ${disagreements.join('; ')}`);
}

// Progress and notes on stderr, so that stdout carries the tables alone.
async function clickhouse(o: Extract<BenchOptions, { dataset: 'blog' }>, progress: Reporter): Promise<void> {
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const table = await benchClickHouse({ root, views: o.views, quick: o.quick }, progress);
  if (o.readme) {
    const text = readFileSync(readme, 'utf8');
    const [start, end] = ['<!-- bench-clickhouse:start -->', '<!-- bench-clickhouse:end -->'];
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} section`);
    writeFileSync(readme, `${text.slice(0, i + start.length)}\n${table}${text.slice(j)}`);
  }
  progress.stop();
  process.stdout.write(`## DuckDB and ClickHouse\n\n${table}`);
}

const dispatch = (progress: Reporter): Promise<void> => {
  if (o.dataset === 'members') return members(o, progress);
  if (o.dataset === 'marketplace') return marketplace(o, progress);
  return o.backend === 'clickhouse' ? clickhouse(o, progress) : blog(o, progress);
};
await run(dispatch, {
  lines: (line) => process.stderr.write(`${line}\n`),
  describe: (m) => `bench failed: ${m}`,
});
