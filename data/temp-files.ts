// The files an import writes beside its target while it runs, all named
// `<target>.tmp-<pid>-<ms>[suffix]`: the new snapshot, DuckDB's write-ahead log (`.wal`)
// and spill folder (`.tmp`) beside it, and the folder of text files extracted from a dump
// or a live database (`.files`, hundreds of MB). An import that ends removes its own; a
// killed one cannot, so the next import into the same target removes those whose process
// is gone, and nothing else: not a running import's files, not files named otherwise.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ImportError } from './source.ts';

export interface ImportTemp {
  /** The snapshot being built. */
  readonly db: string;
  /** Extracted text files. */
  readonly workDir: string;
}

export function importTemp(target: string): ImportTemp {
  // DuckDB takes what follows a '?' in a database path for options: its log file would go
  // to another folder and the import fail at its first commit.
  if (target.includes('?')) throw new ImportError(`snapshot path ${target} holds a '?', which DuckDB cannot open: choose a path without one`);
  const db = `${target}.tmp-${process.pid}-${Date.now()}`;
  return { db, workDir: `${db}.files` };
}

const LEFTOVER = /^\.tmp-(\d+)-(\d+)(\.wal|\.files|\.tmp)?$/;

/** Whether a process runs under this id (one of another user counts: it cannot be signalled). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what imports into `target` left when they were killed; returns the names removed. */
export function removeDeadLeftovers(target: string): string[] {
  const dir = dirname(target);
  const base = basename(target);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(base)) continue;
    const m = LEFTOVER.exec(name.slice(base.length));
    if (!m || running(Number(m[1]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
