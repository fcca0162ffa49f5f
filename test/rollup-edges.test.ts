// The rollups' edge cases, against the TypeScript reference over the source files
// (query-reference.ts): tiny hand-made snapshots
// (no view at all, one view, a few views with ties at one instant, microsecond instants,
// anonymous and country-less views), each imported twice (every rollup; the rollups an
// import chooses with chooseRollupsFrom: 0), asked through the query endpoint over windows
// whose bounds sit on the first and last views, a microsecond either side, with as_of
// before the last view, every dimension the keyed plans group by, null groups kept, and
// filters on columns the `all` rollups lack; and the marketplace (no rollups, a counting
// rule) through the same keyed plans at the edges of its data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database } from '../engine/db.ts';
import { Engine } from '../engine/engine.ts';
import { prepareRequest, queryEndpoint } from '../engine/index.ts';
import type { Plan } from '../engine/index.ts';
import { importSnapshot } from '../data/import.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { answerDifference } from './query-compare.ts';
import { isoMicros, referenceQuery } from './query-reference.ts';
import type { Answer, Question } from './query-reference.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { marketFixture } from './market-fixture.ts';
import type { MarketFixture } from './market-fixture.ts';
import { marketReference } from './market-reference.ts';
import type { Question as MarketQuestion } from './market-reference.ts';
import type { Json } from './filter-semantics.ts';
import { flatViews } from './flat-views.ts';
import type { ViewRow } from './flat-views.ts';
import { parquetReference, SPEC_COLUMNS, SPEC_TABLES } from './reference.ts';

const dir = tempDir('redge-');
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

type Tables = Record<(typeof SPEC_TABLES)[number], Record<string, unknown>[]>;
type View = [at: string, blog: number, user: number | null, country: number | null, duration: number];

function tables(views: readonly View[]): Tables {
  return {
    country: [{ id: 1, name: 'Aland', code: 'ALA' }, { id: 2, name: 'Bhutan', code: 'BTN' }, { id: 3, name: 'Chad', code: null }],
    user: [1, 2, 3, 4].map((id) => ({ id, username: `u${id}`, first_name: id === 2 ? null : `F${id}`, last_name: `L${id}`, date_joined: '2020-01-01 00:00:00' })),
    blog: [
      { id: 1, title: 'Apple pie', author_id: 1, country_id: 1, created_at: '2024-01-01 00:00:00' },
      { id: 2, title: 'Banana', author_id: 1, country_id: null, created_at: '2024-06-01 00:00:00' },
      { id: 3, title: 'Cherry', author_id: 2, country_id: 2, created_at: '2025-01-01 00:00:00' },
      { id: 4, title: 'Date', author_id: 3, country_id: 2, created_at: '2025-02-01 00:00:00' },
      { id: 5, title: 'Elder', author_id: 3, country_id: 3, created_at: '2025-03-01 00:00:00' },
    ],
    blog_view: views.map(([viewed_at, blog_id, user_id, country_id, duration], i) => ({ id: i + 1, blog_id, user_id, country_id, viewed_at, duration })),
  };
}

/** Writes the tables as Parquet and imports them twice: every rollup, and those chosen. */
async function fixture(name: string, data: Tables): Promise<{ source: string; dbs: string[]; rows: ViewRow[] }> {
  const json = join(dir.path, name, 'json');
  const source = join(dir.path, name, 'parquet');
  mkdirSync(json, { recursive: true });
  mkdirSync(source, { recursive: true });
  const scratch = await Database.open(':memory:');
  try {
    for (const t of SPEC_TABLES) {
      const file = join(json, `${t}.json`);
      writeFileSync(file, JSON.stringify(data[t]));
      const columns = `{${Object.entries(SPEC_COLUMNS[t]).map(([c, type]) => `${literal(c)}: ${literal(type)}`).join(', ')}}`;
      await scratch.exec(`COPY (SELECT * FROM read_json(${literal(file)}, format = 'array', columns = ${columns})) TO ${literal(join(source, `${t}.parquet`))} (FORMAT parquet)`);
    }
  } finally {
    scratch.close();
  }
  const dbs = [join(dir.path, name, 'all.duckdb'), join(dir.path, name, 'chosen.duckdb')];
  await importSnapshot({ source, dbPath: dbs[0]! });
  await importSnapshot({ source, dbPath: dbs[1]!, chooseRollupsFrom: 0 });
  const ref = await parquetReference(source);
  try {
    return { source, dbs, rows: await flatViews(ref) };
  } finally {
    ref.close();
  }
}

const FIRST = '2025-03-10 12:00:00.000001';
const LAST = '2025-09-20 08:00:00.999999';
const VIEWS: View[] = [
  [FIRST, 1, 1, 1, 10],
  [FIRST, 1, 1, 1, 20],
  [FIRST, 2, null, null, 5],
  ['2025-03-31 23:59:59.999999', 3, 2, 1, 7],
  ['2025-04-01 00:00:00', 1, 2, 2, 3],
  ['2025-04-15 10:30:00.5', 4, null, 2, 9],
  ['2025-05-01 00:00:00', 5, 3, null, 11],
  ['2025-05-01 00:00:00', 1, 1, 1, 1],
  ['2025-06-30 23:59:59', 2, 4, 3, 100],
  ['2025-07-01 00:00:00.000001', 3, 1, 1, 2],
  ['2025-08-15 12:00:00', 4, 3, 2, 4],
  ['2025-09-20 00:00:00', 5, null, null, 6],
  [LAST, 1, 4, 1, 8],
  [LAST, 3, 1, 1, 12],
];

/** Epoch microseconds of formatUtc-like text, shifted by `d` microseconds, as ISO text. */
const at = (text: string, d = 0): string => {
  const ms = Date.parse(`${text.slice(0, 23).replace(' ', 'T')}Z`);
  return isoMicros(ms * 1000 + Number(text.slice(23).padEnd(3, '0') || 0) + d);
};

const DIMENSIONS: (string[] | undefined)[] = [undefined, ['country'], ['user'], ['blog'], ['blog__author'], ['blog__country']];
const MEASURE_SETS = [['views'], ['blogs', 'views'], ['viewers'], ['views', 'blogs'], ['viewers', 'views', 'total_duration']];
const FILTERS: (Json | undefined)[] = [
  undefined,
  { field: 'country', op: 'in', value: [1, 2] },
  { field: 'country__name', op: 'startswith', value: 'b' },
  { field: 'blog__title', op: 'icontains', value: 'e' },
  { field: 'blog__author__username', op: 'eq', value: 'u1' },
  { field: 'blog__created_at', op: 'gte', value: '2025-01-01' },
  { field: 'duration', op: 'gt', value: 5 },
  { field: 'user', op: 'isnull', value: false },
  { not: { field: 'blog__country', op: 'eq', value: 2 } },
];

/** Windows around the first and last views: starts and ends on them and a microsecond off. */
function windows(first: string, last: string): Pick<Question, 'start' | 'end' | 'as_of' | 'range'>[] {
  const AS_OF = '2030-01-01T00:00:00Z';
  return [
    { range: 'all', as_of: AS_OF },
    { range: 'all', as_of: at(last) },
    { range: 'all', as_of: at(last, 1) },
    { range: 'all', as_of: at(last, -1) },
    { start: at(first), as_of: AS_OF },
    { start: at(first, 1), as_of: AS_OF },
    { start: at(first, -1), end: at(last, 1), as_of: AS_OF },
    { start: at(first), end: at(last), as_of: AS_OF },
    { start: '2020-01-01', end: at(last, 1), as_of: AS_OF },
    { start: '2020-01-01', end: '2030-01-01', as_of: at(last) },
    { start: '2025-04-01', end: '2025-07-01', as_of: AS_OF },
    { start: at(first), end: '2025-06-01', as_of: AS_OF },
    { start: '2025-05-01', as_of: AS_OF },
    { end: '2025-05-01', as_of: AS_OF },
  ];
}

/** Which ways of answering the questions used, by what their SQL reads. */
const used = new Map<string, number>();
function tally(engine: Engine, q: Question): void {
  const plan = prepareRequest(queryEndpoint(engine.dataset), q as unknown as Record<string, unknown>, engine, Date.now()).question as Plan;
  const sql = engine.compile(plan).sql;
  const ways = [
    /"rollup_\w+_all"/.test(sql) && 'all grain',
    /\bf AS d\b/.test(sql) && 'first-ever counts',
    /"distinct_blog_id" AS d/.test(sql) && 'stored distinct count',
    /late AS \(/.test(sql) && 'late pairs',
    !/rollup_|blogset_/.test(sql) && 'fact only',
  ];
  for (const w of ways) if (w) used.set(w, (used.get(w) ?? 0) + 1);
}

interface Served { name: string; app: FastifyInstance; engine: Engine; rows: ViewRow[] }
const served: Served[] = [];

beforeAll(async () => {
  const sets: [string, View[]][] = [['few', VIEWS], ['one', [[FIRST, 3, null, 2, 4]]], ['none', []]];
  for (const [name, views] of sets) {
    const fx = await fixture(name, tables(views));
    for (const [i, db] of fx.dbs.entries()) {
      const engine = await Engine.open(db, { cacheEntries: 0 });
      const app = await buildApp({ engine: () => engine, limits: STEADY_LIMITS });
      served.push({ name: `${name} (${i === 0 ? 'every rollup' : 'rollups chosen'})`, app, engine, rows: fx.rows });
    }
  }
});
afterAll(async () => {
  for (const s of served) {
    await s.app.close();
    s.engine.close();
  }
  dir.cleanup();
});

/** The questions asked of a snapshot: every window, dimension and measure set, every other
 *  one with one of the filters in turn; on the tiny snapshots (one view, none) one measure
 *  set per window and dimension, in turn, with and without a filter. */
function questions(tiny: boolean): Question[] {
  const out: Question[] = [];
  let k = 0;
  windows(FIRST, LAST).forEach((w, wi) => {
    DIMENSIONS.forEach((dimensions, di) => {
      MEASURE_SETS.forEach((measures, m) => {
        if (tiny && (wi + di + m) % MEASURE_SETS.length !== 0) return;
        const q: Question = { measures, ...(dimensions ? { dimensions } : {}), ...w, limit: 100 };
        const n = k++;
        const filtered = (i: number): Question => ({ ...q, filters: FILTERS[1 + (i % (FILTERS.length - 1))]! });
        if (tiny) out.push(q, filtered(n));
        else out.push(n % 2 === 0 ? q : filtered(n >> 1));
      });
    });
  });
  return out;
}

describe('rollups at the edges of the data', () => {
  it('answer as the reference over the source files, on tiny snapshots and windows at the first and last views', async () => {
    const failures: string[] = [];
    let asked = 0;
    for (const s of served) {
      for (const q of questions(!s.name.startsWith('few'))) {
        tally(s.engine, q);
        const res = await s.app.inject({ method: 'POST', url: '/api/v1/blog/query', payload: q as object });
        asked++;
        const diff = res.statusCode !== 200 ? `status ${res.statusCode}: ${res.body.slice(0, 300)}` : answerDifference(res.json() as Record<string, unknown>, referenceQuery(q, s.rows));
        if (diff !== null) failures.push(`${s.name}: ${JSON.stringify(q)}\n${diff}`);
      }
    }
    if (failures.length) expect.fail(`${failures.length} wrong answers:\n\n${failures.slice(0, 10).join('\n\n')}`);
    expect(asked).toBeGreaterThan(1000);
    // Each way of answering was asked often enough to matter.
    const summary = JSON.stringify(Object.fromEntries(used));
    for (const way of ['all grain', 'first-ever counts', 'late pairs', 'fact only']) expect(used.get(way) ?? 0, `${way}: ${summary}`).toBeGreaterThan(20);
    expect(used.get('stored distinct count') ?? 0, summary).toBeGreaterThan(5);
  }, 300_000);
});

describe('the marketplace (no rollups) through the same keyed paths', () => {
  let fx: MarketFixture;
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    fx = await marketFixture(join(dir.path, 'market'), 300);
    engine = await Engine.open(fx.db, { dataset: marketplaceDataset, cacheEntries: 0 });
    app = await buildApp({ engine: () => undefined, engines: (n) => (n === 'marketplace' ? engine : undefined), limits: STEADY_LIMITS });
  });
  afterAll(async () => {
    await app?.close();
    engine?.close();
  });

  it('answers one key and one distinct count as the reference, over windows at the first and last lines, every way ordered and paged', async () => {
    const first = Math.min(...fx.lines.map((l) => l['_at'] as number));
    const last = Math.max(...fx.lines.map((l) => l['_at'] as number));
    const AS_OF = '2030-01-01T00:00:00Z';
    const WINDOWS: Partial<MarketQuestion>[] = [
      { range: 'all', as_of: AS_OF }, { start: isoMicros(first), as_of: AS_OF }, { start: isoMicros(first + 1), as_of: AS_OF },
      { range: 'all', as_of: isoMicros(last) }, { range: 'all', as_of: isoMicros(last + 1) }, { start: '2026-01-01', end: '2026-06-01', as_of: AS_OF },
    ];
    const failures: string[] = [];
    let n = 0;
    let late = 0;
    for (const d of ['order__customer', 'product', 'product__category', 'product__category__parent']) {
      for (const m of ['orders', 'customers', 'products']) {
        for (const w of WINDOWS) {
          // In turn: the default order (by the count), by the key (the late pairs), a later page.
          const turn = n++ % 3;
          const q = { measures: [m], dimensions: [d], ...w, ...(turn === 1 ? { order: [{ by: d }] } : {}), ...(turn === 2 ? { order: [{ by: d, dir: 'desc' }], limit: 5, offset: 3 } : {}) } as MarketQuestion;
          const plan = prepareRequest(queryEndpoint(engine.dataset), q as unknown as Record<string, unknown>, engine, Date.now()).question as Plan;
          if (/late AS \(/.test(engine.compile(plan).sql)) late++;
          const res = await app.inject({ method: 'POST', url: '/api/v1/marketplace/query', payload: q as object });
          const diff = res.statusCode !== 200 ? `status ${res.statusCode}: ${res.body.slice(0, 300)}` : answerDifference(res.json() as Record<string, unknown>, marketReference(q, fx.lines) as unknown as Answer);
          if (diff !== null) failures.push(`${JSON.stringify(q)}\n${diff}`);
        }
      }
    }
    if (failures.length) expect.fail(`${failures.length} of ${n} answered wrong:\n\n${failures.slice(0, 6).join('\n\n')}`);
    expect(late).toBeGreaterThan(20);
  });
});
