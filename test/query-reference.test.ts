// The query endpoint's reference (query-reference.ts: TypeScript, Intl's zones) checked
// against a second one written apart (query-sql.ts: plain SQL over the source files, DuckDB's
// zones), on the same random questions the endpoint's test asks, less their filters: a
// reference that disagrees with itself is found before it judges the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { rng, tempDir } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { queryFixture } from './query-fixture.ts';
import type { QueryFixture } from './query-fixture.ts';
import { questionMaker } from './query-questions.ts';
import { referenceQuery } from './query-reference.ts';
import { parquetReference } from './reference.ts';
import { sqlQuery } from './query-sql.ts';

const SEED = 1414;
const QUESTIONS = 150;
const dir = tempDir('qref-');
let fx: QueryFixture;
let db: Database;

beforeAll(async () => {
  fx = await queryFixture(dir.path);
  db = await parquetReference(fx.source);
  await db.exec(`SET GLOBAL TimeZone = 'UTC'`);
});
afterAll(() => {
  db?.close();
  dir.cleanup();
});

describe('query reference', () => {
  it(`agrees with plain SQL on ${QUESTIONS} random questions without filters (seed ${SEED})`, async () => {
    const next = questionMaker(rng(SEED), fx.rows, { filters: false });
    let rows = 0;
    for (let i = 0; i < QUESTIONS; i++) {
      const { question, answer: want } = next();
      const got = await sqlQuery(db, question);
      const diff = answerDifference(got as unknown as Record<string, unknown>, want);
      if (diff !== null) expect.fail(`seed ${SEED}, question ${i}: ${JSON.stringify(question)}\n${diff}`);
      rows += want.count;
    }
    expect(rows).toBeGreaterThan(QUESTIONS * 10);
  });

  it('agrees with plain SQL on pages of answers', async () => {
    const next = questionMaker(rng(SEED + 1), fx.rows, { filters: false });
    for (let i = 0; i < 20; i++) {
      const { question, answer } = next();
      const n = answer.count;
      for (const [limit, offset] of [[1, 0], [7, 3], [50, Math.floor(n / 2)], [10, n], [1000, n + 5]] as const) {
        const q = { ...question, limit, offset };
        const diff = answerDifference((await sqlQuery(db, q)) as unknown as Record<string, unknown>, referenceQuery(q, fx.rows));
        if (diff !== null) expect.fail(`seed ${SEED + 1}, question ${i}: ${JSON.stringify(q)}\n${diff}`);
      }
    }
  });
});
