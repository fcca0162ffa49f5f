// npm run generate -- [--views N] [--seed S] [--out DIR] [--end ISO-DATE]; --help for more.
import { generate } from './generate.ts';
import { startOfUtcDay } from './dates.ts';
import { command, folder, integer, isoDate, parse, positiveInteger, run } from './cli.ts';

const program = command('npm run generate --', 'Writes a synthetic data set (country, user, blog, blog_view) as Parquet files, ready for `npm run import`.', [
  'npm run generate -- --views 10000000 --seed 7 --out data/generated --end 2026-11-01',
])
  .option('--views <n>', 'views to generate (a positive integer)', positiveInteger, 1_000_000)
  .option('--seed <n>', 'random seed (an integer): the same seed and end give the same bytes', integer, 42)
  .option('--out <dir>', 'folder to write the Parquet files into (made if missing)', folder, 'data/generated')
  .option('--end <date>', 'ISO 8601 instant the views end before (default: midnight UTC today)', isoDate);
parse(program);
const o = program.opts<{ views: number; seed: number; out: string; end?: Date }>();

await run(async (progress) => {
  const end = o.end ?? startOfUtcDay(new Date());
  const t0 = performance.now();
  const result = await generate({ views: o.views, seed: o.seed, out: o.out, end, progress });
  progress.stop();
  const s = result.sizes;
  console.log(
    `generated ${o.views} views, ${s.blogs} blogs, ${s.users} users, ${s.countries} countries into ${o.out} ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
  );
}, { describe: (m) => `generate failed: ${m}` });
