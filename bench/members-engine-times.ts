// Engine-only timings of the members dataset (issue 17's speed targets), for working on the
// plans: the first page of /fetch/ (what its first byte waits for) and each activity
// endpoint over the data's last month, in UTC, two fixed zones and tz=member; median of N
// uncached runs each. `--raw`: the plain plans (no import-time tables), the reference.
//   npm run generate -- --dataset members --members 1000000 --out /tmp/m
//   npm run import -- /tmp/m --dataset members --db /tmp/m.duckdb
//   npx tsx bench/members-engine-times.ts /tmp/m.duckdb [N] [--raw] [--only NAME] [--first N]
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { FETCH_FIRST, fetchPlan } from '../engine/datasets/members/fetch.ts';
import { MEMBER_ACTIVITY } from '../engine/datasets/members/intervals.ts';
import { Engine } from '../engine/engine.ts';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/app.ts';
import type { ActivityPlan, ActivityQuestion } from '../engine/query/nodes.ts';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const [path, nArg] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--only' && args[i - 1] !== '--first');
const raw = args.includes('--raw');
// --first N: the members of /fetch/'s first page (before FETCH_FIRST: the whole batch, 2,000).
const first = args.includes('--first') ? Number(args[args.indexOf('--first') + 1]) : FETCH_FIRST;
const N = Number(nArg ?? 5);
const engine = await Engine.open(path!, { dataset: membersDataset, cacheEntries: 0, ...(raw ? { rollups: false } : {}) });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(name: string, f: () => Promise<unknown>): Promise<void> {
  if (only && !name.includes(only)) return;
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  console.log(`${name.padEnd(40)} ${median(ms).toFixed(1).padStart(8)} ms   (min ${Math.min(...ms).toFixed(1)})`);
}

// The window: the 30 days before the UTC midnight after the last period's end.
const lastEnd = (await engine.db.query(`SELECT max(end_time) AS t FROM activity_period`)).rows[0]!['t'];
const endDay = new Date(new Date(String(lastEnd)).getTime() + 86_400_000).toISOString().slice(0, 10);
const end = `${endDay} 00:00:00`;
const start = new Date(Date.parse(`${endDay}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
console.log(`window ${start} .. ${end}`);

function plan(question: ActivityQuestion, tz: string, window = { start, end }): ActivityPlan {
  return { kind: 'activity', dataset: 'members', window, intervals: MEMBER_ACTIVITY.name, filter: undefined, zone: tz === 'member' ? { kind: 'entity' } : { kind: 'fixed', tz }, question };
}

await time('fetch: first page', async () => {
  const pages = engine.walk(fetchPlan(), { batch: fetchPlan().limit, first, offset: 0, limit: undefined, label: 'fetch' });
  await pages.next();
  await pages.return(undefined);
});
// /fetch/ over HTTP: the time to the answer's first byte (the headers and the first page).
// The answer is read to its end before the next request (limit: the first page and one
// more), so that no abandoned answer still queries under the next one.
const app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: { maxEventLoopDelayMs: 0, rateLimitPerMinute: 0 } });
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as AddressInfo).port;
const ttfb: number[] = [];
await time('fetch: HTTP whole answer (limit 2050)', () =>
  new Promise<void>((resolve, reject) => {
    const t = performance.now();
    const req = get({ host: '127.0.0.1', port, path: '/fetch/?limit=2050' }, (res) => {
      res.once('data', () => ttfb.push(performance.now() - t));
      res.on('data', () => {});
      res.on('end', resolve);
    });
    req.on('error', reject);
  }),
);
if (ttfb.length) console.log(`${'fetch: HTTP first byte'.padEnd(40)} ${median(ttfb).toFixed(1).padStart(8)} ms   (min ${Math.min(...ttfb).toFixed(1)})`);
await app.close();
const questions: [string, ActivityQuestion][] = [
  ['active', { kind: 'active', granularity: 'day' }],
  ['activity-time', { kind: 'time', labels: ['real_name'], limit: 100, offset: 0 }],
  ['concurrency', { kind: 'concurrency', bucket: 'hour' }],
  ['sessions', { kind: 'sessions' }],
  ['heatmap', { kind: 'heatmap' }],
];
for (const [name, q] of questions)
  for (const tz of ['UTC', 'Europe/London', 'America/New_York', 'member']) {
    if (name === 'sessions' && tz !== 'UTC') continue;
    await time(`${name} tz=${tz}`, () => engine.run(plan(q, tz), { noCache: true }));
  }
await engine.close();
