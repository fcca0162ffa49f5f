// npm run bench -- [--views N] [--shape skewed|uniform|both] [--quick] [--no-pg] [--readme]; --help for more.
// For each data shape (both by default: the generator's skewed traffic, then even traffic),
// generates (or reuses) N views, starts the real server, and measures every variant over
// HTTP with tinybench, beside the engine alone, the bare DuckDB SQL (the floor) and
// PostgreSQL over the old service's schema and indexes; then a mixed workload at
// concurrency 16 (autocannon). Writes bench/results/bench-[uniform-]<N>.{json,md,svg}; the
// tables go to stdout, each under its shape, progress to stderr, the server's log to
// bench/results/server-[uniform-]<N>.log (shape-run.ts).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import { SHAPES, SHAPE_SUMMARY } from '../data/dimensions.ts';
import type { Shape } from '../data/dimensions.ts';
import { atLeast, command, parse, run } from '../data/cli.ts';
import type { Reporter } from '../data/progress-report.ts';
import { markdown, updateReadme, withTables } from './report.ts';
import { runShape, shapePaths } from './shape-run.ts';

const program = command(
  'npm run bench --',
  'Measures every variant over HTTP against the real server, beside the engine alone, the bare SQL and PostgreSQL, then a ' +
    'mixed workload at concurrency 16, once per data shape. Writes bench/results/bench-<N>.{json,md,svg} (skewed) and ' +
    "bench-uniform-<N>.* (uniform) and prints their tables on stdout; progress goes to stderr, the server's log to " +
    'bench/results/server-[uniform-]<N>.log.',
  ['npm run bench -- --views 10000000', 'npm run bench -- --views 10000000 --shape uniform', 'npm run bench -- --views 10000 --quick --no-pg'],
)
  .option('--views <n>', 'views in the data set (an integer of at least 1000), generated once under bench/data/', atLeast(1000), 1_000_000)
  .addOption(
    new Option('--shape <shape>', `the data to measure on: skewed (${SHAPE_SUMMARY.skewed}), uniform (${SHAPE_SUMMARY.uniform}) or both, one after the other`)
      .choices([...SHAPES, 'both'])
      .default('both'),
  )
  .option('--quick', 'short runs that prove the suite works (CI), not figures to quote')
  .option('--no-pg', 'leave PostgreSQL out (it is left out anyway when PGURL does not answer)')
  .option('--readme', "replace the README's benchmark section of each shape measured with this run's table");
parse(program);
const o = program.opts<{ views: number; shape: Shape | 'both'; quick?: true; pg: boolean; readme?: true }>();

const root = join(import.meta.dirname, '..');
const readme = join(root, 'README.md');
const shapes: readonly Shape[] = o.shape === 'both' ? SHAPES : [o.shape];

async function main(progress: Reporter): Promise<void> {
  // A README without a shape's section fails now, not after the runs.
  if (o.readme) withTables(readFileSync(readme, 'utf8'), new Map(shapes.map((s) => [s, ''])));
  const tables = new Map<Shape, string>();
  const disagreements: string[] = [];
  for (const shape of shapes) {
    const options = { root, views: o.views, shape, quick: o.quick === true, pg: o.pg };
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

// Progress and notes on stderr, so that stdout carries the tables alone.
await run(main, { lines: (line) => process.stderr.write(`${line}\n`), describe: (m) => `bench failed: ${m}` });
