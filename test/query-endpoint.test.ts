// POST /api/v1/blog/query (and GET) against an independent reference: 520 seeded random
// questions (measures x dimensions x granularities x zones x windows x random filters) over
// hand-made awkward data (query-fixture.ts), each answered through app.inject and by the
// TypeScript reference (query-reference.ts, itself checked against plain SQL in
// query-reference.test.ts), compared row by row; DST changes and bucket edges asked on
// purpose; pages; GET forms; CSV and Arrow; errors; a real socket. A failure names the seed
// and the question; QUERY_SEED=<n> replays another seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, rng, tempDir } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { EDGE_ZONES, TRANSITION_ZONES, queryFixture, transitions } from './query-fixture.ts';
import type { QueryFixture } from './query-fixture.ts';
import { expectArrowEqualsJson, expectCsvEqualsJson } from './query-formats.ts';
import { ZONES, questionMaker } from './query-questions.ts';
import type { Asked } from './query-questions.ts';
import { DIMENSIONS, MEASURES, isoMicros, referenceQuery } from './query-reference.ts';
import type { Answer, Question } from './query-reference.ts';
import { GRANULARITIES, wallOf } from './query-calendar.ts';
import { answersInBlocks } from './question-blocks.ts';

const SEED = Number(process.env['QUERY_SEED'] ?? 20261114);
const QUESTIONS = 520;
/** Questions per test: a block fails on its own, listing every wrong answer in it. */
const BLOCK = 40;
const URL = '/api/v1/blog/query';
const AS_OF = '2027-01-01T00:00:00Z';
const dir = tempDir('qend-');
let fx: QueryFixture;
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  fx = await queryFixture(dir.path);
  engine = await Engine.open(fx.db);
  app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const post = (q: unknown, extra: Record<string, unknown> = {}) => app.inject({ method: 'POST', url: URL, payload: { ...(q as object), ...extra } });

/** Asks `q` by POST and compares with the reference; `what` says how to replay it. */
async function check(q: Question, want: Answer, what: string): Promise<Record<string, unknown>> {
  const res = await post(q);
  if (res.statusCode !== 200) expect.fail(`${what}: ${JSON.stringify(q)}\nstatus ${res.statusCode}: ${res.body.slice(0, 500)}`);
  const body = res.json() as Record<string, unknown>;
  const diff = answerDifference(body, want);
  if (diff !== null) expect.fail(`${what}: ${JSON.stringify(q)}\n${diff}`);
  return body;
}

/** The members as query parameters: arrays and objects as JSON text, or `measures` and
 *  `dimensions` as comma-separated text. */
function queryString(q: Question, commas: boolean): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (commas && (k === 'measures' || k === 'dimensions') && (v as string[]).length > 0) p.set(k, (v as string[]).join(','));
    else p.set(k, typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));
  }
  return p.toString();
}

describe('query endpoint: random questions', () => {
  // Drawn up front, so that a failing block leaves the questions of the others as they are.
  let asked: Asked[] = [];
  beforeAll(() => {
    const next = questionMaker(rng(SEED), fx.rows);
    asked = Array.from({ length: QUESTIONS }, next);
  });

  answersInBlocks({ seed: SEED, count: QUESTIONS, block: BLOCK, asked: () => asked, ask: post, differs: answerDifference });

  it('asked questions that cover the language, most of them not answered by empty rows', () => {
    const seen = new Set<string>();
    let nonEmpty = 0;
    for (const { question, answer } of asked) {
      for (const m of question.measures) seen.add(`measure ${m}`);
      for (const d of question.dimensions ?? []) seen.add(`dimension ${d}`);
      if (question.time) seen.add(`granularity ${question.time.granularity}${question.time.fill ? ' fill' : ''}${question.time.compare ? ' compare' : ''}`);
      seen.add(`tz ${question.tz ?? 'UTC'}`);
      if (answer.data.some((r) => Object.entries(r).some(([k, v]) => k in MEASURES && v !== 0 && v !== null))) nonEmpty++;
    }
    for (const m of Object.keys(MEASURES)) expect(seen, m).toContain(`measure ${m}`);
    for (const d of Object.keys(DIMENSIONS)) expect(seen, d).toContain(`dimension ${d}`);
    for (const g of GRANULARITIES) for (const v of ['', ' fill', ' compare', ' fill compare']) expect(seen, g + v).toContain(`granularity ${g}${v}`);
    for (const z of ZONES) expect(seen, z).toContain(`tz ${z}`);
    expect(nonEmpty).toBeGreaterThan(QUESTIONS * 0.6);
  });
});

describe('query endpoint: pages', () => {
  it('pages: every limit/offset slice is the reference\'s slice, with the full count', async () => {
    const next = questionMaker(rng(SEED + 1), fx.rows);
    for (let i = 0; i < 30; i++) {
      const { question, answer } = next();
      const n = answer.count;
      for (const [limit, offset] of [[1, 0], [1, n - 1], [7, 3], [50, Math.floor(n / 3)], [10, n], [100_000, 0]] as const) {
        const q = { ...question, limit, offset: Math.max(0, offset) };
        await check(q, referenceQuery(q, fx.rows), `seed ${SEED + 1}, question ${i}, page ${limit}@${offset}`);
      }
    }
  });
});

describe('query endpoint: DST changes and bucket edges, on purpose', () => {
  it('hours and days around every DST change of four zones, zero-filled, with the previous bucket', async () => {
    for (const tz of TRANSITION_ZONES) {
      for (const t of transitions(tz)) {
        for (const granularity of ['hour', 'day'] as const) {
          const q: Question = { measures: ['views', 'viewers', 'avg_duration'], dimensions: granularity === 'day' ? ['country'] : [], time: { granularity, fill: true, compare: 'previous' },
            tz, start: isoMicros((t - 4 * 3_600_000) * 1000), end: isoMicros((t + 4 * 3_600_000) * 1000), as_of: AS_OF };
          const want = referenceQuery(q, fx.rows);
          expect(want.count).toBeGreaterThan(0);
          await check(q, want, `${tz} around ${new Date(t).toISOString()}`);
        }
      }
    }
  });

  it('windows of local dates on days that begin late (Santiago moves midnight to 01:00) or early', async () => {
    for (const tz of TRANSITION_ZONES) {
      for (const t of transitions(tz)) {
        const day = new Date(wallOf(t, tz)).toISOString().slice(0, 10);
        const after = new Date(wallOf(t, tz) + 86_400_000).toISOString().slice(0, 10);
        const q: Question = { measures: ['views', 'blogs'], dimensions: ['blog__country__name'], time: { granularity: 'hour', compare: 'previous' }, tz, start: day, end: after, as_of: AS_OF };
        const want = referenceQuery(q, fx.rows);
        expect(want.count).toBeGreaterThan(0);
        await check(q, want, `${tz} on ${day}`);
      }
    }
  });

  it('weeks, months, quarters and years around local year, quarter, month and week starts in six zones', async () => {
    for (const tz of EDGE_ZONES) {
      for (const granularity of ['day', 'week', 'month', 'quarter', 'year'] as const) {
        for (const [start, end] of [['2023-12-25', '2024-01-08'], ['2025-09-28', '2025-10-02'], ['2025-12-31', '2026-01-02'], ['2024-03-31', '2024-04-02']]) {
          const q: Question = { measures: ['views', 'total_duration', 'max_duration', 'views_per_viewer'], time: { granularity, compare: 'previous' }, tz, start: start!, end: end!, as_of: AS_OF, limit: 100_000 };
          await check(q, referenceQuery(q, fx.rows), `${tz} ${granularity} ${start}..${end}`);
        }
      }
    }
  });
});

describe('query endpoint: other forms', () => {
  it('GET with the same members as query parameters answers as POST does', async () => {
    const next = questionMaker(rng(SEED + 2), fx.rows);
    for (let i = 0; i < 12; i++) {
      const { question, answer } = next();
      const res = await app.inject({ url: `${URL}?${queryString(question, i % 2 === 0)}` });
      if (res.statusCode !== 200) expect.fail(`seed ${SEED + 2}, GET ${i}: ${JSON.stringify(question)}\n${res.statusCode}: ${res.body.slice(0, 500)}`);
      const diff = answerDifference(res.json() as Record<string, unknown>, answer);
      if (diff !== null) expect.fail(`seed ${SEED + 2}, GET ${i}: ${JSON.stringify(question)}\n${diff}`);
    }
  });

  it('CSV and Arrow answers hold the JSON answer\'s rows', async () => {
    const next = questionMaker(rng(SEED + 3), fx.rows);
    let rows = 0;
    for (let i = 0; i < 8; i++) {
      const { question, answer } = next();
      await check(question, answer, `seed ${SEED + 3}, question ${i}`);
      const csv = await post(question, { format: 'csv' });
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expectCsvEqualsJson(csv.body, answer, `seed ${SEED + 3}, CSV ${i}: ${JSON.stringify(question)}`);
      const arrow = await post(question, { format: 'arrow' });
      expect(arrow.statusCode, arrow.body).toBe(200);
      await expectArrowEqualsJson(arrow.rawPayload, answer, `seed ${SEED + 3}, Arrow ${i}: ${JSON.stringify(question)}`);
      rows += answer.data.length;
    }
    expect(rows).toBeGreaterThan(20);
  });

  it('answers over a real socket as through inject', async () => {
    const served = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
    try {
      const base = await served.listen({ port: 0, host: '127.0.0.1' });
      const next = questionMaker(rng(SEED + 4), fx.rows);
      for (let i = 0; i < 5; i++) {
        const { question, answer } = next();
        const res = i === 4
          ? await fetch(`${base}${URL}?${queryString(question, true)}`)
          : await fetch(`${base}${URL}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(question) });
        expect(res.status).toBe(200);
        const diff = answerDifference((await res.json()) as Record<string, unknown>, answer);
        if (diff !== null) expect.fail(`seed ${SEED + 4}, socket ${i}: ${JSON.stringify(question)}\n${diff}`);
      }
    } finally {
      await served.close();
    }
  });
});

describe('query endpoint: refusals', () => {
  const base = { as_of: AS_OF };
  const CASES: [string, Record<string, unknown>, string, string, string?][] = [
    ['unknown measure', { measures: ['veiws'] }, 'invalid_parameter', '/measures/0', 'views'],
    ['unknown second measure', { measures: ['views', 'avg_durration'] }, 'invalid_parameter', '/measures/1', 'avg_duration'],
    ['no measures', { measures: [] }, 'invalid_parameter', '/measures'],
    ['measures missing', { dimensions: ['country'] }, 'invalid_parameter', '/measures'],
    ['unknown dimension', { measures: ['views'], dimensions: ['country', 'country__nmae'] }, 'invalid_parameter', '/dimensions/1', 'country__name'],
    ['a column the API does not expose', { measures: ['views'], dimensions: ['user__password'] }, 'invalid_parameter', '/dimensions/0'],
    ['unknown granularity', { measures: ['views'], time: { granularity: 'fortnight' } }, 'invalid_parameter', '/time/granularity'],
    ['order by a measure not asked', { measures: ['views'], order: [{ by: 'blogs', dir: 'desc' }] }, 'invalid_parameter', '/order/0/by'],
    ['order by a dimension not asked', { measures: ['views'], dimensions: ['country'], order: [{ by: 'country' }, { by: 'user' }] }, 'invalid_parameter', '/order/1/by'],
    ['order by period without time', { measures: ['views'], order: [{ by: 'period' }] }, 'invalid_parameter', '/order/0/by'],
    ['limit 0', { measures: ['views'], limit: 0 }, 'invalid_parameter', '/limit'],
    ['limit above 100,000', { measures: ['views'], limit: 100_001 }, 'invalid_parameter', '/limit'],
    ['start not before end', { measures: ['views'], start: '2025-01-02', end: '2025-01-01' }, 'invalid_time_range', '/end'],
    ['unknown filter field', { measures: ['views'], filters: { field: 'user__password', op: 'eq', value: 'x' } }, 'invalid_filter', '/filters/field', 'user__username'],
  ];
  for (const [what, body, code, path, mention] of CASES) {
    it(`${what}: 400 ${code} at ${path}`, async () => {
      const res = await post({ ...base, ...body });
      expect(res.statusCode, res.body).toBe(400);
      const e = res.json() as { code: string; error: string; details: { path: string; message: string; suggestion?: string }[] };
      expect(e.code).toBe(code);
      expect(e.details[0]?.path).toBe(path);
      if (mention !== undefined) expect(`${e.error} ${e.details[0]!.message} ${e.details[0]!.suggestion ?? ''}`).toContain(mention);
    });
  }

  it('GET: an unknown measure in comma-separated text is refused at its index', async () => {
    const res = await app.inject({ url: `${URL}?measures=views,veiws&as_of=${AS_OF}` });
    expect(res.statusCode, res.body).toBe(400);
    expect((res.json() as { details: { path: string }[] }).details[0]?.path).toBe('/measures/1');
  });
});
