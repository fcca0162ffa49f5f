// npm run generate -- [--dataset blog|marketplace|members] [--views N | --orders N | --members N [--periods P]] [--seed S] [--out DIR]
// [--end ISO-DATE] [--shape skewed|uniform]; --help for more.
import { generate } from './generate.ts';
import { generateMarketplace } from './marketplace/generate.ts';
import { DEFAULT_PERIODS, generateMembers } from './members/generate.ts';
import { startOfUtcDay } from './dates.ts';
import { command, folder, integer, isoDate, memorySize, parse, positiveInteger, run, usageError } from './cli.ts';
import { Option } from 'commander';
import { SHAPES, SHAPE_SUMMARY } from './dimensions.ts';
import type { Shape } from './dimensions.ts';

const MARKET_OUT = 'data/generated-marketplace';
const MEMBERS_OUT = 'data/generated-members';
type DatasetName = 'blog' | 'marketplace' | 'members';

const program = command(
  'npm run generate --',
  'Writes a synthetic data set as Parquet files, ready for `npm run import`: the blog (country, user, blog, blog_view), ' +
    'the marketplace (category, customer, product, order, order_item), or the members (member, activity_period).',
  [
    'npm run generate -- --views 10000000 --seed 7 --out data/generated --end 2026-11-01',
    'npm run generate -- --views 100000000 --memory-limit 8GB --out /tmp/views-100m',
    'npm run generate -- --dataset marketplace --orders 1000000 --seed 7',
    'npm run generate -- --dataset members --members 1000000 --periods 3 --seed 7',
  ],
)
  .addOption(
    new Option('--dataset <name>', `blog, marketplace (--out default: ${MARKET_OUT}) or members (--out default: ${MEMBERS_OUT})`).choices(['blog', 'marketplace', 'members']).default('blog'),
  )
  .option('--views <n>', 'blog: views to generate (at least 1)', positiveInteger, 1_000_000)
  .option('--orders <n>', 'marketplace: orders to generate (at least 1), with N/20 customers, N/50 products and 1 to 8 lines each', positiveInteger, 1_000_000)
  .option('--members <n>', 'members: members to generate (at least 1); about one in 20 has no period', positiveInteger, 1_000_000)
  .option('--periods <n>', 'members: activity periods per member that has any (0 or more)', integer, DEFAULT_PERIODS)
  .option('--seed <n>', 'random seed (an integer): the same seed and end give the same bytes', integer, 42)
  .option('--out <dir>', 'folder to write the Parquet files into (made if missing)', folder, 'data/generated')
  .option('--end <date>', 'ISO 8601 instant the views, orders or periods end before (default: midnight UTC today)', isoDate)
  .addOption(new Option('--shape <shape>', `blog: how the traffic is spread: skewed (${SHAPE_SUMMARY.skewed}) or uniform (${SHAPE_SUMMARY.uniform})`).choices(SHAPES).default('skewed'))
  .option('--memory-limit <size>', "blog: DuckDB's memory limit (8GB, 512MiB); beyond it the views' sort spills to disk in --out (default: DuckDB's, 80% of the memory)", memorySize);
parse(program);
const o = program.opts<{ dataset: DatasetName; views: number; orders: number; members: number; periods: number; seed: number; out: string; end?: Date; shape: Shape; memoryLimit?: string }>();
const given = (name: string) => program.getOptionValueSource(name) === 'cli';
// An option of the other data set is a mistake, not something to ignore silently.
const OWN: Readonly<Record<DatasetName, readonly string[]>> = { blog: ['views', 'shape', 'memoryLimit'], marketplace: ['orders'], members: ['members', 'periods'] };
const foreign = Object.entries(OWN).flatMap(([d, names]) => (d === o.dataset ? [] : names));
if (o.periods < 0) usageError(program, `option '--periods <n>' must be 0 or more, got ${o.periods}`);
for (const name of foreign) if (given(name)) usageError(program, `option '--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}' does not apply to --dataset ${o.dataset}`);

await run(async (progress) => {
  const end = o.end ?? startOfUtcDay(new Date());
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  const rss = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
  if (o.dataset === 'members') {
    const out = given('out') ? o.out : MEMBERS_OUT;
    const r = await generateMembers({ members: o.members, periods: o.periods, seed: o.seed, out, end, progress });
    progress.stop();
    console.log(`generated ${r.rows['member']} members, ${r.rows['activity_period']} activity periods into ${out} in ${secs()} s (peak RSS ${rss()} MiB)`);
    return;
  }
  if (o.dataset === 'marketplace') {
    const out = given('out') ? o.out : MARKET_OUT;
    const r = await generateMarketplace({ orders: o.orders, seed: o.seed, out, end, progress });
    progress.stop();
    const rows = r.rows;
    console.log(
      `generated ${rows['order']} orders, ${rows['order_item']} order items, ${rows['customer']} customers, ${rows['product']} products, ` +
        `${rows['category']} categories into ${out} in ${secs()} s (peak RSS ${rss()} MiB)`,
    );
    return;
  }
  const result = await generate({ views: o.views, seed: o.seed, out: o.out, end, shape: o.shape, memoryLimit: o.memoryLimit, progress });
  progress.stop();
  const s = result.sizes;
  console.log(`generated ${o.views} views (${o.shape}), ${s.blogs} blogs, ${s.users} users, ${s.countries} countries into ${o.out} in ${secs()} s (peak RSS ${rss()} MiB)`);
}, { describe: (m) => `generate failed: ${m}` });
