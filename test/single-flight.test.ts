// Concurrent misses for the same question run one query and share its answer (over the
// engine and over a real socket); different questions, no-cache requests and failures do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBlog, blogPlan } from '../engine/index.ts';
import { Engine } from '../engine/engine.ts';
import type { QueryInfo } from '../engine/engine.ts';
import { specFor } from '../server/routes/analytics.ts';
import { buildApp } from '../server/app.ts';
import { END, generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('single-flight-');
let db: string;
const asOf = END.toISOString();

beforeAll(async () => {
  ({ db } = await generatedSnapshot(dir.path, 10_000, 11));
});
afterAll(() => dir.cleanup());

/** An engine that counts the queries it sends to DuckDB. */
async function counting(): Promise<{ engine: Engine; misses: () => number }> {
  const seen: QueryInfo[] = [];
  const engine = await Engine.open(db, { onQuery: (q) => seen.push(q) });
  return { engine, misses: () => seen.filter((q) => !q.cached).length };
}

describe('one query per question in flight', () => {
  it('64 concurrent asks of one question run it once and all get its answer', async () => {
    const { engine, misses } = await counting();
    const raw = await Engine.open(db, { cacheEntries: 0 });
    try {
      const members = { as_of: asOf, object_type: 'user', range: 'all', limit: 50 };
      const answers = await Promise.all(Array.from({ length: 64 }, () => engine.run(blogPlan(specFor('blog-views', structuredClone(members), engine)))));
      expect(misses()).toBe(1);
      expect(engine.joinedQueries).toBe(63);
      for (const a of answers) expect(a).toBe(answers[0]);
      expect(answers[0]).toEqual(await raw.run(blogPlan(specFor('blog-views', members, raw))));
    } finally {
      await engine.close();
      await raw.close();
    }
  });

  it('different questions and no-cache asks each run their own query', async () => {
    const { engine, misses } = await counting();
    try {
      const specs = [5, 6, 7].map((limit) => specFor('top', { as_of: asOf, top: 'blog', limit }, engine));
      await Promise.all([...specs.map((s) => askBlog(engine, s)), askBlog(engine, specs[0]!, { noCache: true }), askBlog(engine, specs[0]!, { noCache: true })]);
      expect(misses()).toBe(5);
      expect(engine.joinedQueries).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('a failure reaches every waiter and is not kept: the next ask runs again', async () => {
    const { engine, misses } = await counting();
    try {
      const spec = specFor('performance', { as_of: asOf, user_id: 987_654_321 }, engine);
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => askBlog(engine, spec)));
      expect(outcomes.every((o) => o.status === 'rejected' && /no user/.test(String(o.reason)))).toBe(true);
      expect(engine.joinedQueries).toBe(7);
      await expect(askBlog(engine, spec)).rejects.toThrow(/no user/);
      expect(engine.joinedQueries).toBe(7);
      expect(misses()).toBe(0); // a 404 is found before any analytics query runs
    } finally {
      await engine.close();
    }
  });

  it('over a real socket: concurrent identical requests cost one query', async () => {
    const { engine, misses } = await counting();
    const app = await buildApp({ engine: () => engine });
    try {
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `${base}/api/v1/analytics/top?top=country&range=all&as_of=${encodeURIComponent(asOf)}`;
      const bodies = await Promise.all(Array.from({ length: 32 }, async () => {
        const r = await fetch(url);
        expect(r.status).toBe(200);
        return r.text();
      }));
      expect(new Set(bodies).size).toBe(1);
      expect(misses()).toBe(1);
    } finally {
      await app.close();
      await engine.close();
    }
  });
});
