// What an entry of the ClickHouse conformance table is (clickhouse-cases.ts lists them; a
// dataset's entry may live in a file of its own, as clickhouse-members.ts).
import type { DatasetDef } from '../engine/index.ts';

export interface Request {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: unknown;
}

export interface ConformanceCase {
  readonly dataset: DatasetDef;
  /** Builds the fixture in `dir`: its DuckDB snapshot, the fixed endpoints' requests, and a
   *  maker of query-endpoint bodies from a seeded random source. */
  build(dir: string): Promise<{ readonly db: string; readonly fixed: readonly Request[]; readonly question: (r: () => number) => unknown }>;
}
