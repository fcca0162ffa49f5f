// Decimal sums of the rollups stored as DECIMAL(18,s) where they fit (LayoutFacts.narrowSums,
// data/rollup-choice.ts): chosen only where the sum of the absolute values over every fact
// row has at most 18 digits (every rollup row's sum, a part of it, then fits); otherwise
// DECIMAL(38,s) as DuckDB sums them. Either way the sums are the exact ones.
import { describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { marketplaceCatalog, marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { duckdb } from '../engine/dialect/duckdb.ts';
import { ratioSql } from '../engine/query/measures.ts';
import { rollupStatements } from '../engine/layout-rollups.ts';
import { chooseRollups } from '../data/rollup-choice.ts';

/** A marketplace fact table of the given lines (quantity, unit price), all counted. */
async function factOf(db: Database, lines: readonly [number, string][]): Promise<void> {
  await db.exec(`CREATE TABLE fact_order_item (id BIGINT, created_at TIMESTAMP, order_id BIGINT, product_id BIGINT, quantity INTEGER, unit_price DECIMAL(12,2), customer_id BIGINT, status VARCHAR, category_id BIGINT)`);
  for (const [i, [q, p]] of lines.entries()) {
    await db.query(`INSERT INTO fact_order_item VALUES ($1, TIMESTAMP '2026-01-01' + INTERVAL (${i}) DAY, $1, 1, $2, $3::DECIMAL(12,2), 1, 'paid', 1)`, [i, q, p]);
  }
}

/** The type and value of rollup_counted_all's revenue, built as the import builds it. */
async function builtTotal(db: Database): Promise<{ type: string; total: string }> {
  const choice = await chooseRollups(db, marketplaceCatalog);
  const sql = rollupStatements(marketplaceCatalog, new Set(['rollup_counted_day', 'rollup_counted_month', 'rollup_counted_all']), choice.narrowSums).filter((s) => s.includes('"rollup_counted_'));
  for (const s of sql) await db.exec(s);
  const r = (await db.query(`SELECT typeof(sum_line_total) AS type, sum_line_total::VARCHAR AS total FROM rollup_counted_all`)).rows[0]!;
  return { type: String(r['type']), total: String(r['total']) };
}

describe('narrow rollup sums', () => {
  it('stores sums that fit 18 digits as DECIMAL(18,2), exactly', async () => {
    const db = await Database.open(':memory:');
    try {
      await factOf(db, [[1, '0.10'], [2, '0.20'], [3, '9999999.99']]);
      expect(await builtTotal(db)).toEqual({ type: 'DECIMAL(18,2)', total: '30000000.47' });
    } finally {
      db.close();
    }
  });

  it('keeps DECIMAL(38,2) where the sums could exceed 18 digits, exactly', async () => {
    const db = await Database.open(':memory:');
    try {
      // Each line fits 18 digits (16 before the point); their sum has 17 before it.
      await factOf(db, [[900_000, '9999999999.99'], [900_000, '9999999999.99'], [1, '0.01']]);
      expect(await builtTotal(db)).toEqual({ type: 'DECIMAL(38,2)', total: '17999999999982000.01' });
    } finally {
      db.close();
    }
  });

  it('divides a narrow sum read from one row without overflow (the average order value of a customer)', async () => {
    // A row of the per-customer rollup (or its copy) is read without a sum() that would widen
    // it: DECIMAL(18,2) * 100 overflowed from 10^14 up, a 500 where the plain plan answered.
    const db = await Database.open(':memory:');
    try {
      await db.exec(`CREATE TABLE r AS SELECT 199999999999800.00::DECIMAL(18,2) AS revenue, 2::BIGINT AS orders`);
      const sql = ratioSql(marketplaceDataset, 'average_order_value', (m) => `r.${m}`, duckdb);
      expect((await db.query(`SELECT (${sql})::VARCHAR AS v FROM r`)).rows[0]!['v']).toBe('9999999999990000');
    } finally {
      db.close();
    }
  });
});
