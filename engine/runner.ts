// Running one query spec on an open snapshot, on this thread: the user a performance query
// names must exist (404), the plan compiles to SQL, the query runs with a time limit, and
// DuckDB's errors about the request become QueryErrors. The worker threads run this too.
import { QueryInterrupted } from './db.ts';
import type { Database, Param } from './db.ts';
import type { Catalog } from './catalog.ts';
import type { FieldDef } from './fields.ts';
import { QueryError } from './errors.ts';
import { filterLeaves } from './filter/parse.ts';
import type { FilterNode } from './filter/parse.ts';
import { compilePlan } from './query/compile-plan.ts';
import type { CompileOptions } from './query/compile-plan.ts';
import { planFor } from './query/plan.ts';
import type { QuerySpec } from './query/spec.ts';
import { toResult } from './results.ts';
import type { AnalyticsResult } from './results.ts';
import { ident } from './sql.ts';

/** What a query needs of an open snapshot (snapshot.ts). */
export interface QueryTarget {
  readonly db: Database;
  readonly catalog: Catalog;
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly features: CompileOptions;
}

export interface QueryInfo {
  readonly kind: QuerySpec['kind'];
  readonly cached: boolean;
  readonly ms: number;
  /** The SQL and parameters (absent for cached answers). */
  readonly sql?: string;
  readonly params?: readonly Param[];
}

const hasRegex = (n: FilterNode): boolean => filterLeaves(n).some((l) => l.operator === 'regex');

/** Answers a spec from `target`'s DuckDB; `onQuery` is told of the SQL and how long it took. */
export async function runSpec(
  target: QueryTarget,
  spec: QuerySpec,
  timeoutMs: number | undefined,
  onQuery?: (info: QueryInfo) => void,
): Promise<AnalyticsResult> {
  const { db } = target;
  if (spec.kind === 'performance' && spec.userId !== null) {
    const found = await db.query(`SELECT 1 AS found FROM ${ident('user')} WHERE id = $1::BIGINT`, [spec.userId]);
    if (found.rows.length === 0) throw new QueryError('not_found', `no user with id ${spec.userId}`, [{ path: '/user_id', message: `no user with id ${spec.userId}` }]);
  }
  const plan = planFor(spec);
  const { sql, params } = compilePlan(plan, target.catalog, target.fields, target.features);
  let rows;
  const t0 = performance.now();
  try {
    ({ rows } = await db.query(sql, params, timeoutMs));
    onQuery?.({ kind: spec.kind, cached: false, ms: performance.now() - t0, sql, params });
  } catch (e) {
    if (e instanceof QueryInterrupted) throw new QueryError('query_timeout', `the query ran longer than ${timeoutMs} ms and was stopped`);
    // Patterns are checked with RE2J before they get here; should DuckDB's RE2 still
    // refuse one, that is the user's pattern, not a server fault.
    const message = (e as Error).message;
    if (spec.filter && hasRegex(spec.filter) && /^Invalid Input Error/.test(message))
      throw new QueryError('invalid_filter', 'invalid regular expression', [{ path: '/filters', message: message.replace(/^Invalid Input Error: /, '') }]);
    throw e;
  }
  return toResult(plan, rows);
}
