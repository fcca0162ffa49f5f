// The benchmark's command line: the blog's (views, shapes) or the marketplace's (orders);
// an option of the other dataset is a mistake, said as such rather than ignored.
import { Option } from 'commander';
import type { Command } from 'commander';
import { SHAPES, SHAPE_SUMMARY } from '../data/dimensions.ts';
import type { Shape } from '../data/dimensions.ts';
import { atLeast, command } from '../data/cli.ts';
import { DEFAULT_PERIODS } from '../data/members/generate.ts';

interface Common {
  readonly quick: boolean;
  /** False with --no-pg. */
  readonly pg: boolean;
  readonly readme: boolean;
  /** --backend clickhouse: the variants on DuckDB and on ClickHouse side by side. */
  readonly backend: 'duckdb' | 'clickhouse';
}
export type BenchOptions =
  | (Common & { readonly dataset: 'blog'; readonly views: number; readonly shapes: readonly Shape[] })
  | (Common & { readonly dataset: 'marketplace'; readonly orders: number; readonly iterations?: number | undefined })
  | (Common & { readonly dataset: 'members'; readonly members: number; readonly periods: number });

// Each dataset's own options: any of another's given on the command line is refused.
const OWN = { blog: ['views', 'shape'], marketplace: ['orders', 'iterations'], members: ['members', 'periods'] } as const;

export function benchProgram(): Command {
  return command(
    'npm run bench --',
    'Measures every variant over HTTP against the real server, beside the engine alone and PostgreSQL, then a mixed workload at ' +
      'concurrency 16. Blog (default): once per data shape, bench/results/bench-<N>.{json,md,svg} (skewed) and bench-uniform-<N>.* ' +
      '(uniform). Marketplace: bench/results/bench-marketplace-<N>.*, an endpoint not served yet shown as such. Members: /fetch/ and ' +
      'every members endpoint beside PostgreSQL, bench/results/bench-members-<N>[-p<P>].{json,md}. The tables go to ' +
      "stdout, progress to stderr, the server's log to bench/results/server-*.log.",
    [
      'npm run bench -- --views 10000000',
      'npm run bench -- --views 10000000 --shape uniform',
      'npm run bench -- --views 10000 --quick --no-pg',
      'npm run bench -- --dataset marketplace --orders 2500000 --readme',
      'npm run bench -- --dataset marketplace --orders 20000 --quick',
      'npm run bench -- --backend clickhouse --views 10000000',
      'npm run bench -- --dataset members --members 1000000 --readme',
      'npm run bench -- --dataset members --members 2000 --quick',
    ],
  )
    .addOption(new Option('--dataset <name>', 'the dataset to measure').choices(['blog', 'marketplace', 'members']).default('blog'))
    .option('--views <n>', 'blog: views in the data set (an integer of at least 1000), generated once under bench/data/', atLeast(1000), 1_000_000)
    .addOption(
      new Option('--shape <shape>', `blog: the data to measure on: skewed (${SHAPE_SUMMARY.skewed}), uniform (${SHAPE_SUMMARY.uniform}) or both, one after the other`)
        .choices([...SHAPES, 'both'])
        .default('both'),
    )
    .option('--orders <n>', 'marketplace: orders in the data set (an integer of at least 1000), generated once under bench/data/marketplace-<N>/', atLeast(1000), 1_000_000)
    .option('--members <n>', 'members: members in the data set (an integer of at least 1000), generated once under bench/data/members-<N>[-p<P>]/', atLeast(1000), 1_000_000)
    .option('--periods <n>', `members: activity periods per member that has any (at least 1; default ${DEFAULT_PERIODS})`, atLeast(1), DEFAULT_PERIODS)
    .option('--iterations <n>', 'marketplace: uncached and cached requests timed per variant (default 30; 5 with --quick): fewer on a machine too loaded for the whole run', atLeast(1))
    .option('--quick', 'short runs that prove the suite works (CI), not figures to quote')
    .option('--no-pg', 'leave PostgreSQL out (it is left out anyway when PGURL does not answer)')
    .option('--readme', "replace the README's benchmark section of what was measured with this run's table")
    .addOption(
      new Option('--backend <name>', 'blog: duckdb (the server over HTTP), or clickhouse: each variant in this process on DuckDB and on ClickHouse side by side, on the same data ($CLICKHOUSE_URL, else chdb)')
        .choices(['duckdb', 'clickhouse'])
        .default('duckdb'),
    );
}

/** The options of a parsed command line, or what is wrong with it. */
export function benchOptions(program: Command): BenchOptions | { readonly error: string } {
  const o = program.opts<{ dataset: 'blog' | 'marketplace' | 'members'; views: number; shape: Shape | 'both'; orders: number; iterations?: number; members: number; periods: number; quick?: true; pg: boolean; readme?: true; backend: 'duckdb' | 'clickhouse' }>();
  const given = (name: string) => program.getOptionValueSource(name) === 'cli';
  const foreign = Object.entries(OWN).flatMap(([dataset, names]) => (dataset === o.dataset ? [] : names));
  for (const name of foreign) if (given(name)) return { error: `option '--${name}' does not apply to --dataset ${o.dataset}` };
  if (o.backend === 'clickhouse' && o.dataset !== 'blog') return { error: `option '--backend clickhouse' measures the blog's variants (not --dataset ${o.dataset})` };
  if (o.backend === 'clickhouse' && given('shape')) return { error: "option '--shape' does not apply to --backend clickhouse (the skewed shape)" };
  const common = { quick: o.quick === true, pg: o.pg, readme: o.readme === true, backend: o.backend };
  if (o.dataset === 'marketplace') return { ...common, dataset: 'marketplace', orders: o.orders, iterations: o.iterations };
  if (o.dataset === 'members') return { ...common, dataset: 'members', members: o.members, periods: o.periods };
  return { ...common, dataset: 'blog', views: o.views, shapes: o.shape === 'both' ? SHAPES : [o.shape] };
}
