// The members benchmark's variants (bench/members/variants.ts) asked through the app without
// a socket (app.inject), uncached, the median of N each after one unmeasured: for comparing
// two checkouts or snapshots side by side, where the full benchmark (HTTP, PostgreSQL) is
// more than the question needs.
//   npx tsx bench/members-variant-times.ts SNAPSHOT [N] [NAME...]   (NAME: part of a variant's name)
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { MEMBERS_PREFIX, membersVariants } from './members/variants.ts';
import { marketRequest } from './market/measure.ts';

const [path, n = '7', ...only] = process.argv.slice(2);
if (!path || !(Number(n) >= 1)) {
  console.error('usage: npx tsx bench/members-variant-times.ts SNAPSHOT [N] [NAME...]');
  process.exit(2);
}
const engine = await Engine.open(path, { dataset: membersDataset, cacheEntries: 0 });
const app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: { maxEventLoopDelayMs: 0, rateLimitPerMinute: 0 } });
try {
  // The member in the middle of the key order (as the benchmark's own pick, any member will do).
  const member = String((await engine.db.query(`SELECT CAST(id AS VARCHAR) AS id FROM member ORDER BY id LIMIT 1 OFFSET (SELECT count(*) // 2 FROM member)`)).rows[0]!['id']);
  const asOf = '2026-11-01T00:00:00.000Z';
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
  for (const v of membersVariants(member)) {
    if (only.length > 0 && !only.some((o) => v.name.includes(o))) continue;
    const { url, body } = marketRequest(v, asOf, MEMBERS_PREFIX);
    const ms: number[] = [];
    let status = 0;
    for (let i = 0; i <= Number(n); i++) {
      const t = performance.now();
      const r = await app.inject({ method: v.method, url, headers: { 'cache-control': 'no-cache', ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: body } : {}) });
      if (i > 0) ms.push(performance.now() - t);
      status = r.statusCode;
    }
    console.log(`${v.name.padEnd(40)} ${median(ms).toFixed(1).padStart(8)} ms  (${status})`);
  }
} finally {
  await app.close();
  await engine.close();
}
