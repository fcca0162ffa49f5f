// Reads a source table into its staging table, so that every way the read can fail ends in
// an ImportError naming the table, the file and, where it can be found, the row and column:
// rows a text reader could not split (text-rejects.ts), a damaged file (DuckDB's own error,
// with the column found by reading the columns one by one).
import type { Database } from '../engine/db.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import type { SourceTable } from './source.ts';
import { clearRejects, firstReject, isTooLong, rejectError } from './text-rejects.ts';

/** The first line of an error's message, cut to a length a terminal line can show. */
export function firstLine(e: unknown): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  return text.length > 500 ? `${text.slice(0, 500)}...` : text;
}

/** The first column (of those the catalog reads) whose values DuckDB cannot read; columnar
 *  files hold each column apart, so one damaged page spoils one column. */
async function damagedColumn(db: Database, s: SourceTable): Promise<string | undefined> {
  for (const c of s.table.columns) {
    if (!s.columns.has(c.name)) continue;
    try {
      await db.query(`SELECT sum(hash(${ident(c.name)})) AS h FROM ${s.relation} src`, s.params);
    } catch {
      return c.name;
    }
  }
  return undefined;
}

/** Runs `create(relation)`, which copies the relation's rows into the staging table. */
export async function readSource(db: Database, s: SourceTable, create: (relation: string) => Promise<void>): Promise<void> {
  try {
    if (s.rejects) await clearRejects(db, s.table);
    await create(s.relation);
    if (!s.rejects) return;
    let bad = await firstReject(db, s.table);
    if (bad && isTooLong(bad)) {
      await clearRejects(db, s.table);
      await create(s.rejects.wideRelation);
      bad = await firstReject(db, s.table);
    }
    if (bad) throw rejectError(s, bad);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const column = s.typedColumns ? await damagedColumn(db, s) : undefined;
    throw new ImportError(`table '${s.table.name}' (${s.origin})${column ? `, column '${column}'` : ''}: cannot read the file: ${firstLine(e)}`, { cause: e });
  }
}
