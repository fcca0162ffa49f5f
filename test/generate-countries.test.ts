// Generated countries are real: each name goes with its own ISO 3166-1 alpha-3 code, and
// the examples' countries (USA, GBR) are in the default-like data set and carry views.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base } from '@faker-js/faker';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('gen-countries-');
let db: Database;
const file = (table: string) => join(dir.path, `${table}.parquet`);

beforeAll(async () => {
  await generate({ views: 50_000, seed: 42, out: dir.path, end: END });
  db = await Database.open(':memory:');
});
afterAll(() => {
  db?.close();
  dir.cleanup();
});

// The reference: ICU's English region names over faker's ISO alpha-2 <-> alpha-3 table
// (the generator's table is written out; '&' is spelled 'and' there).
const alpha2 = new Map(base.location!.country_code!.map((c) => [c.alpha3, c.alpha2]));
const regionName = new Intl.DisplayNames('en', { type: 'region' });
const nameOf = (alpha3: string) => {
  const a2 = alpha2.get(alpha3);
  return a2 === undefined ? undefined : regionName.of(a2)!.replaceAll('&', 'and');
};

describe('generated countries', () => {
  it('pair each name with its own ISO 3166-1 alpha-3 code', async () => {
    const rows = (await db.query(`SELECT id, name, code FROM read_parquet($1) ORDER BY id`, [file('country')])).rows;
    expect(rows.length).toBeGreaterThan(8);
    for (const r of rows) expect(r['name'], String(r['code'])).toBe(nameOf(String(r['code'])));
    expect(new Set(rows.map((r) => r['code'])).size).toBe(rows.length);
  });

  it('include USA and GBR among the countries with the most views', async () => {
    const rows = (
      await db.query(
        `SELECT c.code, count(*) AS n FROM read_parquet($1) v JOIN read_parquet($2) c ON c.id = v.country_id GROUP BY 1 ORDER BY n DESC, 1`,
        [file('blog_view'), file('country')],
      )
    ).rows;
    const top = rows.slice(0, 5).map((r) => r['code']);
    expect(top).toContain('USA');
    expect(top).toContain('GBR');
    // The skew is kept: the leading country far above the least viewed one.
    expect(Number(rows[0]!['n'])).toBeGreaterThan(10 * Number(rows.at(-1)!['n']));
  });
});
