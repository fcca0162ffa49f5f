// The sandbox process's DuckDB: the snapshot read-only, one thread, and locked down by
// DuckDB itself before any user SQL runs.
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/** Opens `file` (a neutral name in the process's private folder) and locks it down. */
export async function openLocked(file: string, memoryLimitMb: number): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(file, {
    access_mode: 'READ_ONLY',
    threads: '1',
    // DuckDB's own limit covers its buffer manager; the operating system's limit on the
    // process (see process.ts) covers what DuckDB does not count.
    memory_limit: `${memoryLimitMb}MB`,
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
  });
  const c = await instance.connect();
  for (const statement of [
    "SET GLOBAL TimeZone = 'UTC'",
    // No spilling: a query that does not fit in memory fails with DuckDB's out-of-memory
    // error instead of writing temporary files. (Settable only while external access is on.)
    "SET temp_directory = ''",
    // No files, network, ATTACH, COPY, EXPORT, extension loading.
    'SET enable_external_access = false',
    // DuckDB lets a database's own files (the snapshot, its .wal) through the external-access
    // check; with the local file system off, nothing can be read by name. The open database
    // keeps reading through the handle it already holds.
    "SET disabled_filesystems = 'LocalFileSystem'",
    // No SET, RESET or PRAGMA changes from here on.
    'SET lock_configuration = true',
  ]) {
    await c.run(statement);
  }
  return c;
}
