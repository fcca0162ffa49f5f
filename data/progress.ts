// How a long job (generating, importing, benchmarking) tells whoever runs it how far it is.
// The job names its steps and counts what it has done; the command-line tools turn that into
// bars on a terminal or one plain line per step (progress-report.ts). The job itself never
// writes to a terminal, so the server and the tests run it silently.
import type { Database, Param, QueryResult } from '../engine/db.ts';

export interface Progress {
  /** A new step begins (the one before it ends): `total` in `unit`s where it is known
   *  beforehand (rows in a Parquet footer, bytes of a file, statements to run). */
  phase(name: string, total?: number, unit?: string): void;
  /** `n` more units of the current step are done. */
  tick(n: number): void;
  /** The current step is over. */
  done(): void;
  /** A line worth reading that is no step (what an import cleaned up, a measured result). */
  note(line: string): void;
}

/** Progress that goes nowhere. */
export const silent: Progress = { phase() {}, tick() {}, done() {}, note() {} };

/** Runs one long statement, turning DuckDB's estimate of its share done into ticks of the
 *  current step, which counts `total` units; the step is complete when the statement is. */
export async function trackedQuery(db: Database, sql: string, params: readonly Param[], progress: Progress, total: number): Promise<QueryResult> {
  let reported = 0;
  const result = await db.queryWithProgress(sql, params, (share) => {
    const now = Math.min(total, Math.floor(share * total));
    if (now > reported) {
      progress.tick(now - reported);
      reported = now;
    }
  });
  if (total > reported) progress.tick(total - reported);
  return result;
}
