// Checks a whole snapshot against an independent reference (reference.ts: the source's rows
// in a DuckDB of their own): the spec's four tables, every column of the denormalised fact
// table (written out here from the spec, column by column), every rollup and every blog set
// (recomputed from the reference rows), all compared value by value, nulls and text exact,
// timestamps to the microsecond. The snapshot is opened read-only in a DuckDB of its own.
import { expect } from 'vitest';
import { Database } from '../engine/db.ts';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { SPEC_COLUMNS, SPEC_TABLES } from './reference.ts';

/** Each fact column as the spec defines it, over the reference's blog_view v and blog b.
 *  A view's previous view of the same viewer and blog is the latest one before it in
 *  (viewed_at, id) order. */
const FACT: Record<string, string> = {
  id: 'v.id',
  viewed_at: 'v.viewed_at',
  blog_id: 'v.blog_id',
  user_id: 'v.user_id',
  country_id: 'v.country_id',
  duration: 'v.duration',
  author_id: 'b.author_id',
  blog_country_id: 'b.country_id',
  blog_created_at: 'b.created_at',
  prev_user_blog_at: `(SELECT max(w.viewed_at) FROM blog_view w WHERE w.user_id = v.user_id AND w.blog_id = v.blog_id
                        AND (w.viewed_at < v.viewed_at OR (w.viewed_at = v.viewed_at AND w.id < v.id)))`,
  prev_country_blog_at: `(SELECT max(w.viewed_at) FROM blog_view w WHERE w.country_id = v.country_id AND w.blog_id = v.blog_id
                        AND (w.viewed_at < v.viewed_at OR (w.viewed_at = v.viewed_at AND w.id < v.id)))`,
  prev_user_country_blog_at: `(SELECT max(w.viewed_at) FROM blog_view w WHERE w.user_id = v.user_id AND w.country_id = v.country_id AND w.blog_id = v.blog_id
                        AND (w.viewed_at < v.viewed_at OR (w.viewed_at = v.viewed_at AND w.id < v.id)))`,
  // A view is its pair's last when no view of the same pair follows it in (viewed_at, id).
  last_user_blog: `CASE WHEN v.user_id IS NOT NULL THEN NOT EXISTS (SELECT 1 FROM blog_view w WHERE w.user_id = v.user_id AND w.blog_id = v.blog_id
                    AND (w.viewed_at > v.viewed_at OR (w.viewed_at = v.viewed_at AND w.id > v.id))) END`,
  last_country_blog: `CASE WHEN v.country_id IS NOT NULL THEN NOT EXISTS (SELECT 1 FROM blog_view w WHERE w.country_id = v.country_id AND w.blog_id = v.blog_id
                       AND (w.viewed_at > v.viewed_at OR (w.viewed_at = v.viewed_at AND w.id > v.id))) END`,
};
const FACT_SQL = `SELECT ${Object.entries(FACT).map(([c, e]) => `${e} AS "${c}"`).join(', ')} FROM blog_view v JOIN blog b ON b.id = v.blog_id`;

type TextRow = (string | null)[];

/** Rows of `sql` with every value as DuckDB's text of it (exact, microseconds included),
 *  sorted by all columns: the same on both sides whatever each side's storage order. */
async function textRows(db: Database, sql: string): Promise<TextRow[]> {
  const { rows } = await db.query(`SELECT COLUMNS(*)::VARCHAR FROM (${sql}) ORDER BY ALL`);
  return rows.map((r) => Object.values(r) as TextRow);
}

/** Equal row lists, reported by the first rows that differ rather than as one huge diff. */
export function expectSameRows(got: readonly TextRow[], want: readonly TextRow[], what: string): void {
  const n = Math.max(got.length, want.length);
  const diffs: string[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(got[i] ?? null);
    const b = JSON.stringify(want[i] ?? null);
    if (a === b) continue;
    if (++count <= 3) diffs.push(`  row ${i}: snapshot ${a}\n         source   ${b}`);
  }
  expect(count, `${what}: ${got.length} rows in the snapshot, ${want.length} from the source, ${count} differ:\n${diffs.join('\n')}`).toBe(0);
  expect(want.length, `${what}: the comparison is not between empty tables`).toBeGreaterThan(0);
}

/** Positions of the set bits of a bitstring's text, as ids from `min`. */
function bitIds(bits: string, min: number): string {
  const ids: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') ids.push(min + i);
  return ids.join(',');
}

export interface SnapshotCheck {
  /** Blog sets must have been built (the data's blog ids are compact). */
  readonly blogSets: boolean;
}

export async function expectSnapshotMatchesSource(snapshot: string, ref: Database, o: SnapshotCheck): Promise<void> {
  const snap = await Database.open(snapshot, { readOnly: true, connections: 1 });
  try {
    // The expected fact rows, computed once from the reference's tables.
    await ref.exec(`CREATE OR REPLACE TABLE expected_fact AS ${FACT_SQL}`);
    for (const t of SPEC_TABLES) {
      const cols = Object.keys(SPEC_COLUMNS[t]).map((c) => `"${c}"`).join(', ');
      expectSameRows(await textRows(snap, `SELECT ${cols} FROM "${t}"`), await textRows(ref, `SELECT ${cols} FROM "${t}"`), `table ${t}`);
    }

    // Every column of the fact table is checked: a new one must be added to FACT first.
    const factCols = (await snap.query(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'fact_view' ORDER BY column_index`)).rows.map((r) => r['column_name']);
    expect([...factCols].sort(), 'fact_view columns').toEqual(Object.keys(FACT).sort());
    const cols = Object.keys(FACT).map((c) => `"${c}"`).join(', ');
    expectSameRows(await textRows(snap, `SELECT ${cols} FROM fact_view`), await textRows(ref, 'SELECT * FROM expected_fact'), 'fact_view');
    // Each copy stored in another order holds the same rows, sorted by its key.
    for (const p of blogCatalog.fact.projections ?? []) {
      expectSameRows(await textRows(snap, `SELECT ${cols} FROM "${p.name}"`), await textRows(ref, 'SELECT * FROM expected_fact'), p.name);
      const key = p.sortKey.map((k) => `"${k}"`).join(', ');
      const unsorted = await snap.query(`SELECT count(*) AS n FROM (SELECT (${key}) < lag((${key})) OVER (ORDER BY rowid) AS back FROM "${p.name}") WHERE back`);
      expect(Number(unsorted.rows[0]!['n']), `${p.name} is stored by ${key}`).toBe(0);
    }

    for (const family of blogCatalog.rollups) {
      for (const r of family) {
        const keys = r.columns.map((c) => {
          if (!(c in FACT)) throw new Error(`rollup ${r.name}: no reference for column ${c}`);
          return `"${c}"`;
        });
        const last = blogCatalog.firstSeen.find((f) => f.column === r.firsts)?.last;
        const firsts = r.firsts === undefined ? '' : `, count(*) FILTER (WHERE "${r.firsts}" IS NULL) AS f${last === undefined ? '' : `, count(*) FILTER (WHERE "${last}") AS l`}`;
        // The sums and distinct counts a rollup declares, from the reference's own rows.
        const sums = (r.sums ?? []).map((c) => `, sum("${c}") AS "sum_${c}"`).join('');
        const distinct = (r.distinct ?? []).map((c) => `, count(DISTINCT "${c}") AS "distinct_${c}"`).join('');
        const all = r.grain === 'all';
        const want = `SELECT ${all ? '' : `date_trunc('${r.grain}', viewed_at) AS bucket, `}${keys.map((k) => `${k}, `).join('')}count(*) AS n${firsts}${sums}${distinct} FROM expected_fact${all && keys.length === 0 ? '' : ' GROUP BY ALL'}`;
        const got = `SELECT ${all ? '' : 'bucket, '}${keys.map((k) => `${k}, `).join('')}n${r.firsts === undefined ? '' : `, f${last === undefined ? '' : ', l'}`}${(r.sums ?? []).map((c) => `, "sum_${c}"`).join('')}${(r.distinct ?? []).map((c) => `, "distinct_${c}"`).join('')} FROM "${r.name}"`;
        expectSameRows(await textRows(snap, got), await textRows(ref, want), r.name);
      }
    }

    const minBlog = Number((await ref.query(`SELECT min(id) AS m FROM blog`)).rows[0]!['m']);
    const existing = new Set((await snap.query(`SELECT table_name FROM duckdb_tables()`)).rows.map((r) => r['table_name'] as string));
    for (const set of blogCatalog.distinctSets) {
      for (const [grain, table] of [['day', set.day], ['month', set.month]] as const) {
        expect(existing.has(table), `blog set table ${table}`).toBe(o.blogSets);
        if (!o.blogSets) continue;
        const key = `"${set.key}"`;
        const raw = await textRows(snap, `SELECT bucket, ${key}, n, bits FROM "${table}"`);
        const got = raw.map(([bucket, k, n, bits]) => [bucket!, k!, n!, bitIds(bits!, minBlog)]).sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
        const want = (
          await textRows(
            ref,
            `SELECT date_trunc('${grain}', viewed_at) AS bucket, ${key}, count(*) AS n, array_to_string(list_sort(list(DISTINCT blog_id)), ',') AS ids
             FROM expected_fact WHERE ${key} IS NOT NULL GROUP BY ALL`,
          )
        ).sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
        expectSameRows(got, want, table);
      }
    }
  } finally {
    snap.close();
  }
}
