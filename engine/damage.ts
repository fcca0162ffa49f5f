// A snapshot file damaged after import (a bad disk, a partial copy, a stray write). DuckDB
// checks each block's checksum as it reads the block; this module recognises the errors it
// raises then, and reads a whole snapshot once so that damage shows before a user's query
// meets it.
import { Database } from './db.ts';
import { ident } from './sql.ts';

// DuckDB's messages for a block whose checksum fails, a file cut short, metadata that no
// longer parses, and an instance that gave up after such a failure.
const DAMAGE = [
  /Corrupt database file/i,
  /checksum \d+ does not match/i,
  /Could not read enough bytes from file/i,
  /^Serialization Error/,
  /database has been invalidated/i,
];

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Whether an error says the snapshot file is damaged (not the request, not the server). */
export function isDamageError(e: unknown): boolean {
  const m = messageOf(e);
  return DAMAGE.some((r) => r.test(m));
}

export class SnapshotDamaged extends Error {
  override readonly name = 'SnapshotDamaged';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`snapshot ${file} is damaged; re-import it (${reason})`);
  }
}

/** Reads every column of every table of the snapshot at `path` once, on a DuckDB instance of
 *  its own (one thread, a small memory limit: the serving instance's cache is left alone), so
 *  that DuckDB checks every block in use. A SnapshotDamaged error names the file. */
export async function verifySnapshot(path: string): Promise<void> {
  const damaged = (e: unknown): Error => (isDamageError(e) ? new SnapshotDamaged(path, messageOf(e)) : (e as Error));
  let db: Database;
  try {
    db = await Database.open(path, { readOnly: true, threads: 1, memoryLimit: '256MB', connections: 1 });
  } catch (e) {
    throw damaged(e);
  }
  try {
    const tables = await db.query(`SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()`);
    for (const t of tables.rows) {
      // hash() needs every value, so every block of every column is read (and checked).
      await db.query(`SELECT max(hash(COLUMNS(*))) FROM ${ident(String(t['schema_name']))}.${ident(String(t['table_name']))}`);
    }
  } catch (e) {
    throw damaged(e);
  } finally {
    db.close();
  }
}
