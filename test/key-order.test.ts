// The import's check of which tables are stored in key order (data/key-order.ts), on tables
// made in order, out of order (one row swapped) and with a column named rowid.
import { describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { membersCatalog } from '../engine/datasets/members/declaration.ts';
import type { Catalog } from '../engine/catalog.ts';
import { keyOrderedTables } from '../data/key-order.ts';

const uuid = (i: number) => `a0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function withMembers(order: string, catalog: Catalog = membersCatalog): Promise<string[]> {
  const db = await Database.open(':memory:', { threads: 2 });
  try {
    await db.exec(`CREATE TABLE src AS SELECT CAST('${uuid(0).slice(0, 24)}' || lpad(CAST(i AS VARCHAR), 12, '0') AS UUID) AS id, 'n' || i AS real_name, 'UTC' AS tz FROM range(300000) t(i)`);
    await db.exec(`CREATE TABLE member AS SELECT * FROM src ORDER BY ${order}`);
    return await keyOrderedTables(db, catalog);
  } finally {
    db.close();
  }
}

describe('key order', () => {
  it('lists a table made ordered by its key, over several row groups', async () => {
    expect(await withMembers('id')).toEqual(['member']);
  });

  it('leaves out a table out of key order, even by one pair of rows', async () => {
    expect(await withMembers('id DESC')).toEqual([]);
    // Row 5 and 6 swapped: every other pair in order.
    expect(await withMembers(`CASE WHEN id = '${uuid(5)}' THEN '${uuid(6)}'::UUID WHEN id = '${uuid(6)}' THEN '${uuid(5)}'::UUID ELSE id END`)).toEqual([]);
  });

  it('leaves out a table with a column named rowid, which hides the row position', async () => {
    const catalog: Catalog = { ...membersCatalog, tables: membersCatalog.tables.map((t) => (t.name === 'member' ? { ...t, columns: [...t.columns, { ...t.columns[1]!, name: 'RowId' }] } : t)) };
    expect(await withMembers('id', catalog)).toEqual([]);
  });
});
