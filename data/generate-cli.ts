// npm run generate -- --views N [--seed S] [--out DIR] [--end ISO-DATE]
import { parseArgs } from 'node:util';
import { generate } from './generate.ts';
import { startOfUtcDay } from './dates.ts';

const { values } = parseArgs({
  options: {
    views: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'data/generated' },
    end: { type: 'string' },
  },
});

const views = Number(values.views);
const seed = Number(values.seed);
if (!Number.isSafeInteger(views) || views < 1) throw new Error(`--views must be a positive integer, got '${values.views}'`);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'`);
const end = values.end ? new Date(values.end) : startOfUtcDay(new Date());
if (Number.isNaN(end.getTime())) throw new Error(`--end must be an ISO 8601 date, got '${values.end}'`);

const t0 = performance.now();
const result = await generate({ views, seed, out: values.out, end });
const ms = performance.now() - t0;
console.log(
  `generated ${views} views, ${result.sizes.blogs} blogs, ${result.sizes.users} users, ${result.sizes.countries} countries ` +
    `into ${values.out} in ${(ms / 1000).toFixed(1)} s (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
);
