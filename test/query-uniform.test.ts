// POST /api/v1/blog/query on even traffic (the generator's uniform shape) imported with
// chooseRollupsFrom: 0, so that the import's rollup choice really leaves the big day and
// month grains out: the query endpoint's random questions (query-questions.ts) answered
// through app.inject and compared row by row with plain SQL over the source files
// (query-sql.ts) and with the TypeScript reference (query-reference.ts); questions with
// random filter trees against the TypeScript reference alone (the plain-SQL one has no
// filters). Every statement reads only tables the snapshot holds, and the `all` grains,
// the missing grains' fallbacks and the late pairs are all used. UNIFORM_SEED=<n> replays
// another seed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { prepareRequest, queryEndpoint } from '../engine/index.ts';
import type { Plan } from '../engine/index.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { buildApp } from '../server/app.ts';
import { END, STEADY_LIMITS, rng, tempDir } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { questionMaker } from './query-questions.ts';
import type { Asked } from './query-questions.ts';
import { TooBig, isoMicros, referenceQuery } from './query-reference.ts';
import type { Question } from './query-reference.ts';
import { flatViews } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';
import { parquetReference } from './reference.ts';
import { sqlQuery } from './query-sql.ts';

const SEED = Number(process.env['UNIFORM_SEED'] ?? 20261125);
const PLAIN = 150;
const FILTERED = 60;
const dir = tempDir('quni-');
let engine: Engine;
let app: FastifyInstance;
let ref: Database;
let rows: ViewRow[];
let tables: Set<string>;

beforeAll(async () => {
  const parquet = join(dir.path, 'uniform');
  await generate({ views: 10_000, seed: 11, out: parquet, end: END, shape: 'uniform' });
  const db = join(dir.path, 'uniform.duckdb');
  await importSnapshot({ source: parquet, dbPath: db, chooseRollupsFrom: 0 });
  engine = await Engine.open(db, { cacheEntries: 0 });
  app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
  ref = await parquetReference(parquet);
  await ref.exec(`SET GLOBAL TimeZone = 'UTC'`);
  rows = await flatViews(ref);
  tables = new Set((await engine.db.query(`SELECT table_name FROM duckdb_tables()`)).rows.map((r) => String(r['table_name'])));
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  ref?.close();
  dir.cleanup();
});

/** The SQL the engine runs for a question (the plan the endpoint makes, compiled). */
function sqlOf(q: Question): string {
  const plan = prepareRequest(queryEndpoint(engine.dataset), q as unknown as Record<string, unknown>, engine, Date.now()).question as Plan;
  return engine.compile(plan).sql;
}

/** Which ways of answering the questions used, by the tables and CTEs their SQL names. */
const used = new Map<string, number>();
function tally(sql: string): void {
  const seen = new Set<string>();
  for (const m of sql.matchAll(/"(rollup_\w+|blogset_\w+)"/g)) {
    expect(tables.has(m[1]!), `${m[1]} is not in the snapshot:\n${sql}`).toBe(true);
    seen.add(m[1]!.replace(/^rollup_\w+_(day|month|all)$/, 'rollup $1'));
  }
  if (/late AS \(/.test(sql)) seen.add('late pairs');
  // The first-seen columns, or the rollups' counts of first views.
  if (/prev_\w+_blog_at|\bf(, n| AS d)\b/.test(sql)) seen.add('first-seen');
  for (const s of seen) used.set(s, (used.get(s) ?? 0) + 1);
}

/** The same question over windows that hold every view (the `all` grains answer those):
 *  all time up to as_of, or from before the first view; undefined where too big. */
function wholeData(q: Question, i: number): Asked | undefined {
  const { start: _s, end: _e, range: _r, ...rest } = q;
  const window = i % 2 === 0 ? { range: 'all' as const, as_of: END.toISOString() } : { start: '2024-01-01', as_of: '2027-01-01T00:00:00Z' };
  const question: Question = { ...rest, ...window };
  try {
    return { question, answer: referenceQuery(question, rows) };
  } catch (e) {
    if (e instanceof TooBig) return undefined;
    throw e;
  }
}

async function ask(q: Question): Promise<Record<string, unknown> | string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/blog/query', payload: q as object });
  return res.statusCode === 200 ? (res.json() as Record<string, unknown>) : `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
}

describe('query endpoint on even traffic, rollups chosen by cost', () => {
  it('the import left big grains out and kept the all grains', () => {
    for (const r of blogCatalog.rollups.flat().filter((x) => x.grain === 'all')) expect(tables.has(r.name), r.name).toBe(true);
    const missing = blogCatalog.rollups.flat().filter((r) => !tables.has(r.name)).map((r) => r.name);
    expect(missing).toEqual(expect.arrayContaining(['rollup_blog_day', 'rollup_user_day']));
  });

  it(`answers ${PLAIN} random questions without filters as plain SQL over the source files does (seed ${SEED})`, async () => {
    const next = questionMaker(rng(SEED), rows, { filters: false, simple: 0.85 });
    const failures: string[] = [];
    let answered = 0;
    for (let i = 0; i < PLAIN; i++) {
      // One in three over the whole data: the random windows seldom hold every view.
      const drawn = next();
      const { question, answer }: Asked = (i % 3 === 2 && wholeData(drawn.question, i)) || drawn;
      tally(sqlOf(question));
      const got = await ask(question);
      const want = await sqlQuery(ref, question);
      // The two references agree before either judges the engine.
      const refs = answerDifference(want as unknown as Record<string, unknown>, answer);
      if (refs !== null) expect.fail(`question ${i}: the references disagree: ${JSON.stringify(question)}\n${refs}`);
      const diff = typeof got === 'string' ? got : answerDifference(got, want);
      if (diff !== null) failures.push(`seed ${SEED}, question ${i}: ${JSON.stringify(question)}\n${diff}`);
      answered += want.count;
    }
    if (failures.length) expect.fail(`${failures.length} of ${PLAIN} questions answered wrong:\n\n${failures.slice(0, 8).join('\n\n')}`);
    expect(answered).toBeGreaterThan(PLAIN * 10);
  }, 300_000);

  it(`answers ${FILTERED} random questions with filters as the TypeScript reference does (seed ${SEED + 1})`, async () => {
    const next = questionMaker(rng(SEED + 1), rows, { simple: 0.85 });
    const failures: string[] = [];
    for (let i = 0; i < FILTERED; i++) {
      const drawn = next();
      const { question, answer }: Asked = (i % 3 === 2 && wholeData(drawn.question, i)) || drawn;
      tally(sqlOf(question));
      const got = await ask(question);
      const diff = typeof got === 'string' ? got : answerDifference(got, answer);
      if (diff !== null) failures.push(`seed ${SEED + 1}, question ${i}: ${JSON.stringify(question)}\n${diff}`);
    }
    if (failures.length) expect.fail(`${failures.length} of ${FILTERED} questions answered wrong:\n\n${failures.slice(0, 8).join('\n\n')}`);
  }, 300_000);

  it('answers the keyed shapes (one key, counts, one distinct count) over windows at and off the data\'s edges as plain SQL does', async () => {
    const first = Math.min(...rows.map((r) => r['_at'] as number));
    const last = Math.max(...rows.map((r) => r['_at'] as number));
    const WINDOWS: Pick<Question, 'start' | 'end' | 'range' | 'as_of'>[] = [
      { range: 'all', as_of: END.toISOString() },
      { start: isoMicros(first), as_of: isoMicros(last + 1) },
      { start: isoMicros(first + 1), as_of: END.toISOString() },
      { range: 'all', as_of: isoMicros(last) },
      { start: '2025-03-01', end: '2026-02-14T12:00:00.000001Z', as_of: END.toISOString() },
    ];
    const MEASURES = [['views'], ['blogs'], ['views', 'blogs'], ['viewers'], ['viewers', 'views']];
    const failures: string[] = [];
    let i = 0;
    for (const dimension of ['country', 'user', 'blog', 'blog__author', 'blog__country']) {
      for (const measures of MEASURES) {
        for (const w of WINDOWS) {
          // In turn: the default order, by the key (the late pairs), a page further on.
          const turn = i++ % 3;
          const question: Question = { measures, dimensions: [dimension], ...w, ...(turn === 1 ? { order: [{ by: dimension }] } : {}), ...(turn === 2 ? { limit: 7, offset: 5 } : { limit: 100_000 }) };
          tally(sqlOf(question));
          const got = await ask(question);
          const want = await sqlQuery(ref, question);
          const diff = typeof got === 'string' ? got : answerDifference(got, want);
          if (diff !== null) failures.push(`${JSON.stringify(question)}\n${diff}`);
        }
      }
    }
    if (failures.length) expect.fail(`${failures.length} of ${i} questions answered wrong:\n\n${failures.slice(0, 8).join('\n\n')}`);
  }, 300_000);

  it('used the all grains, the grains left, first-seen counts and late pairs', () => {
    const summary = JSON.stringify(Object.fromEntries(used));
    for (const way of ['rollup all', 'rollup month', 'first-seen', 'late pairs']) expect(used.get(way) ?? 0, `${way}: ${summary}`).toBeGreaterThan(3);
  });
});
