// The query endpoint's reference (query-reference.ts: TypeScript, Intl's zones) checked
// against a second one written apart (query-sql.ts: plain SQL over the source files, DuckDB's
// zones), on the same random questions the endpoint's test asks, less their filters: a
// reference that disagrees with itself is found before it judges the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../engine/db.ts';
import { rng, tempDir } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { EMPTY_MONTHS, TRANSITION_ZONES, queryFixture, transitions } from './query-fixture.ts';
import { displayName } from './flat-views.ts';
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

describe('query fixture', () => {
  it('holds the awkward cases', () => {
    const rows = fx.rows;
    const some = (what: string, f: (r: (typeof rows)[number]) => boolean) => expect(rows.filter(f).length, what).toBeGreaterThan(0);
    some('anonymous views', (r) => r['user'] === null);
    some('views with no country', (r) => r['country'] === null);
    some('anonymous views with no country', (r) => r['user'] === null && r['country'] === null);
    some('views of blogs with no country', (r) => r['blog__country'] === null);
    some('viewers with no first name', (r) => r['user'] !== null && r['user__first_name'] === null);
    some('viewers with an empty first name', (r) => r['user__first_name'] === '');
    some('viewers named by their username', (r) => r['user'] !== null && String(r['user__first_name'] ?? '') + String(r['user__last_name'] ?? '') !== '' && displayName(r['user__username'], r['user__first_name'], r['user__last_name']) === r['user__username']);
    for (const ch of ['"', "'", '%', '_', '\\', '\t', '\n']) some(`a title with ${JSON.stringify(ch)}`, (r) => (r['blog__title'] as string).includes(ch));
    some('an empty title', (r) => r['blog__title'] === '');
    some('non-ASCII text', (r) => /[^\x00-\x7f]/.test(r['blog__title'] as string));
    // Code-point order and UTF-16 order disagree between these two.
    some('astral characters', (r) => /[\u{10000}-\u{10ffff}]/u.test(r['blog__title'] as string));
    some('characters above U+E000', (r) => /[\ue000-\uffff]/.test(r['blog__title'] as string));
    const micro = (r: (typeof rows)[number]) => (r['_at'] as number) % 1000;
    some('microsecond instants', (r) => micro(r) !== 0);
    some('whole-millisecond instants', (r) => micro(r) === 0 && (r['_at'] as number) % 1_000_000 !== 0);
    some('whole-second instants', (r) => (r['_at'] as number) % 1_000_000 === 0);
    some('instants before 1970', (r) => (r['_at'] as number) < 0);
    const months = new Set(rows.map((r) => (r['viewed_at'] as string).slice(0, 7)));
    expect(new Set([...months].map((m) => m.slice(0, 4))).size).toBeGreaterThanOrEqual(7);
    for (const m of EMPTY_MONTHS) expect(months.has(m), m).toBe(false);
    for (const tz of TRANSITION_ZONES) {
      for (const t of transitions(tz)) {
        some(`${tz}: a view in the minute before ${t}`, (r) => (r['_at'] as number) >= (t - 60_000) * 1000 && (r['_at'] as number) < t * 1000);
        some(`${tz}: a view in the minute from ${t}`, (r) => (r['_at'] as number) >= t * 1000 && (r['_at'] as number) < (t + 60_000) * 1000);
      }
    }
    const perBlog = new Map<unknown, number>();
    for (const r of rows) perBlog.set(r['blog'], (perBlog.get(r['blog']) ?? 0) + 1);
    expect([37, 38, 39, 40].map((b) => perBlog.get(b))).toEqual([9, 9, 9, 9]);
    expect(rows.reduce((s, r) => s + (r['duration'] as number), 0)).toBeGreaterThan(2 ** 31);
  });
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
