// Whether a snapshot path that exists can be read as a DuckDB file at all. Such a file is a
// mistake of the set-up (a folder, another kind of file, no permission to read it), not
// damage found later, so the server refuses to start rather than listen and never be ready.
// (A DuckDB file damaged inside is another matter: damage.ts; the server listens, not ready.)
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** DuckDB's main header starts after an 8-byte checksum with these four bytes. */
const MAGIC = 'DUCK';

/** Why the existing file at `file` cannot be a snapshot, or undefined where it may be one. */
export function unreadableSnapshot(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'it is not a regular file';
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(12);
      const n = readSync(fd, head, 0, head.length, 0);
      if (n < head.length || head.toString('latin1', 8, 12) !== MAGIC) return 'it is not a DuckDB database file';
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `it cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  return undefined;
}
