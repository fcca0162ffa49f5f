// Running one plan on an open snapshot, on this thread: the rows a plan requires must exist
// (404), the plan compiles to SQL in the snapshot's dialect, the query runs with a time
// limit, and the database's errors about the request become QueryErrors. The worker threads
// run this too.
import { QueryInterrupted } from './db.ts';
import type { Param, QueryResult } from './db.ts';
import type { Dialect } from './dialect/dialect.ts';
import { duckdb } from './dialect/duckdb.ts';
import { Params } from './params.ts';
import type { DatasetDef } from './dataset.ts';
import type { FieldDef } from './fields.ts';
import { tableDef, tableKey } from './catalog.ts';
import { QueryError } from './errors.ts';
import { filterLeaves } from './filter/parse.ts';
import type { FilterNode } from './filter/parse.ts';
import { compilePlan } from './query/compile-plan.ts';
import type { CompileOptions } from './query/compile-plan.ts';
import type { Plan, Requirement } from './query/nodes.ts';
import { toResult } from './results.ts';
import { BUCKETS_TOO_MANY, FILL_TOO_LARGE } from './query/refusals.ts';
import { CONCURRENCY_MAX_BUCKETS } from './query/activity-concurrency.ts';
import { FILL_MAX_ROWS } from './query/compile-series.ts';
import type { PlanResult } from './results.ts';
import { ident } from './sql.ts';

/** What a query needs of an open snapshot (snapshot.ts). */
export interface QueryTarget {
  readonly db: { query(sql: string, params?: readonly Param[], timeoutMs?: number): Promise<QueryResult> };
  /** The SQL spoken (default: DuckDB's). */
  readonly dialect?: Dialect;
  readonly dataset: DatasetDef;
  readonly fields: ReadonlyMap<string, FieldDef>;
  readonly features: CompileOptions;
}

export interface QueryInfo {
  /** What asked: the endpoint's name where the caller gave one, else the plan's kind. */
  readonly kind: string;
  readonly cached: boolean;
  readonly ms: number;
  /** The SQL and parameters (absent for cached answers). */
  readonly sql?: string;
  readonly params?: readonly Param[];
}

const hasRegex = (n: FilterNode | undefined): boolean => filterLeaves(n).some((l) => l.operator === 'regex');

async function check(target: QueryTarget, r: Requirement): Promise<void> {
  const t = tableDef(target.dataset.catalog, r.table);
  const params = new Params(target.dialect);
  const col = t.columns.find((c) => c.name === tableKey(t));
  const key = params.add(r.key, col?.sqlType ?? 'BIGINT');
  const found = await target.db.query(`SELECT 1 AS found FROM ${ident(t.name)} WHERE ${ident(tableKey(t))} = ${key}`, params.values);
  if (found.rows.length === 0) throw new QueryError('not_found', r.message, [{ path: r.path, message: r.message }]);
}

/** Answers a plan from `target`'s DuckDB; `onQuery` is told of the SQL and how long it took. */
export async function runPlan(target: QueryTarget, plan: Plan, timeoutMs: number | undefined, onQuery?: (info: QueryInfo) => void, label: string = plan.kind): Promise<PlanResult> {
  for (const r of plan.requires ?? []) await check(target, r);
  if (plan.kind === 'bundle') {
    // The parts share the time limit: each gets what the ones before left.
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    const parts: Record<string, PlanResult> = {};
    for (const p of plan.parts) {
      const left = deadline === undefined ? undefined : Math.max(1, Math.round(deadline - performance.now()));
      parts[p.name] = await runPlan(target, p.plan, left, onQuery, `${label}/${p.name}`);
    }
    return { columns: [], total: 0, rows: [], parts };
  }
  const { sql, params } = compilePlan(plan, target.dataset, target.fields, target.features, target.dialect ?? duckdb);
  let rows;
  const t0 = performance.now();
  try {
    ({ rows } = await target.db.query(sql, params, timeoutMs));
    onQuery?.({ kind: label, cached: false, ms: performance.now() - t0, sql, params });
  } catch (e) {
    if (e instanceof QueryInterrupted) throw new QueryError('query_timeout', `the query ran longer than ${timeoutMs} ms and was stopped`);
    // Patterns are checked with RE2J before they get here; should DuckDB's RE2 still
    // refuse one, that is the user's pattern, not a server fault.
    const message = (e as Error).message;
    if (message.includes(FILL_TOO_LARGE))
      throw new QueryError('invalid_parameter', `fill would make more than ${FILL_MAX_ROWS.toLocaleString('en')} rows (buckets x groups): ask a coarser granularity, fewer dimensions or a shorter window`, [
        { path: '/time/fill', message: `more than ${FILL_MAX_ROWS} buckets x groups` },
      ]);
    if (message.includes(BUCKETS_TOO_MANY))
      throw new QueryError('invalid_parameter', `the window holds more than ${CONCURRENCY_MAX_BUCKETS.toLocaleString('en')} buckets: ask longer buckets or a shorter window`, [
        // Concurrency's buckets are its `bucket`; active's are its `compare` (days, weeks, months).
        { path: plan.kind === 'activity' && plan.question.kind === 'active' ? '/compare' : '/bucket', message: `more than ${CONCURRENCY_MAX_BUCKETS} buckets` },
      ]);
    if (hasRegex(plan.filter) && /^Invalid Input Error/.test(message))
      throw new QueryError('invalid_filter', 'invalid regular expression', [{ path: '/filters', message: message.replace(/^Invalid Input Error: /, '') }]);
    throw e;
  }
  return toResult(plan, target.dataset, target.fields, rows);
}
