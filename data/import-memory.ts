// DuckDB's memory limit for an import that names none. DuckDB's own default (80% of the
// machine) lets the fact table's sorts and windows hold all they can: 2.4 GB peak at 10M
// skewed views, where 1 GB spills a little and is no slower (25.1 s against 29.2 s, peak
// 1.7 GB, measured side by side). So: 1 GiB per 10M fact rows, at least 1 GiB and at most
// a quarter of the memory the process may use (100M views: 6 GiB on 24 GiB, the setting the README
// found best there).

import * as os from 'node:os';

const GIB = 1024 ** 3;

/** The memory this process may use: the machine's, or less where a container (cgroup)
 *  limits it (DuckDB's own default respects that limit; a quarter of the host's would
 *  not). `constrainedMemory` is Node's (20.x), missing from the typings we build with. */
export function availableMemory(): number {
  const limit = (os as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = os.totalmem();
  return limit !== undefined && limit > 0 && limit < total ? limit : total;
}

/** The limit, as DuckDB's `memory_limit` text, for `factRows` rows on a machine of `totalBytes`. */
export function importMemoryLimit(factRows: number, totalBytes: number): string {
  const want = Math.max(1, Math.ceil(factRows / 10_000_000)) * GIB;
  const cap = Math.max(GIB, Math.floor(totalBytes / 4));
  return `${Math.floor(Math.min(want, cap) / (1024 * 1024))}MiB`;
}
