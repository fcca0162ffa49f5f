// The independent side of the tests: a DuckDB in memory, apart from any snapshot, holding
// the spec's four tables (country, "user", blog, blog_view) read straight from the SOURCE
// files (the Parquet folder an import read, or the rows a fixture's remake script wrote).
// References query these tables, never the engine's, so that a fault in how the snapshot
// lays out or denormalises its data shows as a difference instead of being mirrored.
import { join } from 'node:path';
import { Database } from '../engine/db.ts';

export const SPEC_TABLES = ['country', 'user', 'blog', 'blog_view'] as const;

/** The spec's columns and types (section 1), in the spec's order. */
export const SPEC_COLUMNS: Record<(typeof SPEC_TABLES)[number], Record<string, string>> = {
  country: { id: 'BIGINT', name: 'VARCHAR', code: 'VARCHAR' },
  user: { id: 'BIGINT', username: 'VARCHAR', first_name: 'VARCHAR', last_name: 'VARCHAR', date_joined: 'TIMESTAMP' },
  blog: { id: 'BIGINT', title: 'VARCHAR', author_id: 'BIGINT', country_id: 'BIGINT', created_at: 'TIMESTAMP' },
  blog_view: { id: 'BIGINT', blog_id: 'BIGINT', user_id: 'BIGINT', country_id: 'BIGINT', viewed_at: 'TIMESTAMP', duration: 'INTEGER' },
};

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const quoted = (t: string) => `"${t}"`;

async function build(from: (table: (typeof SPEC_TABLES)[number]) => string): Promise<Database> {
  const db = await Database.open(':memory:', { connections: 2 });
  try {
    // Copied into tables once: the references run hundreds of queries.
    for (const t of SPEC_TABLES) {
      const cols = Object.entries(SPEC_COLUMNS[t]).map(([c, type]) => `CAST(${quoted(c)} AS ${type}) AS ${quoted(c)}`);
      await db.exec(`CREATE TABLE ${quoted(t)} AS SELECT ${cols.join(', ')} FROM ${from(t)}`);
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The four tables from a folder of `<table>.parquet` files (the generator's names). */
export function parquetReference(dir: string): Promise<Database> {
  return build((t) => `read_parquet(${literal(join(dir, `${t}.parquet`))})`);
}

/** The four tables from `<table>.json` files: JSON arrays of objects, timestamps as UTC
 *  `YYYY-MM-DD HH:MM:SS[.ffffff]` text. */
export function jsonReference(dir: string): Promise<Database> {
  return build((t) => {
    const columns = `{${Object.entries(SPEC_COLUMNS[t]).map(([c, type]) => `${literal(c)}: ${literal(type)}`).join(', ')}}`;
    return `read_json(${literal(join(dir, `${t}.json`))}, format = 'array', columns = ${columns})`;
  });
}
