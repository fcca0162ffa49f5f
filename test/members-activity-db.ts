// The fixture's members and periods for the activity analytics' tests, two ways:
// - in an in-memory DuckDB with plain `member` and `activity_period` tables (and, with
//   `merged`, the tables an import builds from them: layout-intervals.ts), where activity
//   plans run the way the runner runs them (compile, query, results), each path on its own;
// - imported from CSV files through the real pipeline into a snapshot, for the endpoints.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { importSnapshot } from '../data/import.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { MEMBER_ACTIVITY } from '../engine/datasets/members/intervals.ts';
import { Database } from '../engine/db.ts';
import { buildFields } from '../engine/fields.ts';
import { intervalsLayout } from '../engine/layout-intervals.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions, CompiledQuery } from '../engine/query/compile-plan.ts';
import type { ActivityPlan, ActivityQuestion } from '../engine/query/nodes.ts';
import type { TimeWindow } from '../engine/query/spec.ts';
import { toResult } from '../engine/results.ts';
import type { PlanResult } from '../engine/results.ts';
import type { FilterNode } from '../engine/filter/parse.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { sqlTime } from './members-activity-fixture.ts';

export async function membersDatabase(fx: MembersFixture, merged: boolean): Promise<Database> {
  const db = await Database.open(':memory:', { threads: 1 });
  await db.exec(`CREATE TABLE m_raw (id VARCHAR, real_name VARCHAR, tz VARCHAR); CREATE TABLE p_raw (id BIGINT, member_id VARCHAR, s VARCHAR, e VARCHAR)`);
  await db.append('m_raw', fx.members.map((m) => [m.id, m.real_name, m.tz]));
  await db.append('p_raw', fx.periods.map((p) => [p.id, p.member_id, sqlTime(p.start), sqlTime(p.end)]));
  await db.exec(`CREATE TABLE member AS SELECT id::UUID AS id, real_name, tz FROM m_raw ORDER BY id;
    CREATE TABLE activity_period AS SELECT id, member_id::UUID AS member_id, s::TIMESTAMP AS start_time, e::TIMESTAMP AS end_time FROM p_raw ORDER BY start_time;
    DROP TABLE m_raw; DROP TABLE p_raw`);
  if (merged) for (const sql of intervalsLayout(membersDataset.catalog, MEMBER_ACTIVITY)) await db.exec(sql);
  return db;
}

/** The options each path compiles with: all the import's tables, its runs and zones
 *  without the days table, or the plain reading. */
export const MERGED: CompileOptions = { intervalTables: new Set([MEMBER_ACTIVITY.merged, MEMBER_ACTIVITY.zones, MEMBER_ACTIVITY.days!, MEMBER_ACTIVITY.levels!, MEMBER_ACTIVITY.hours!, MEMBER_ACTIVITY.gaps!, MEMBER_ACTIVITY.levelHours!, MEMBER_ACTIVITY.hourTotals!, MEMBER_ACTIVITY.wallLevels!, MEMBER_ACTIVITY.wallLevelHours!, MEMBER_ACTIVITY.dayHours!]) };
/** MERGED without the days counted by hour (activity-day-hours.ts): the zoned days from a row per stored day. */
export const NO_DAY_HOURS: CompileOptions = { intervalTables: new Set([...MERGED.intervalTables!].filter((t) => t !== MEMBER_ACTIVITY.dayHours)) };
export const RUNS: CompileOptions = { intervalTables: new Set([MEMBER_ACTIVITY.merged, MEMBER_ACTIVITY.zones]) };
export const PLAIN: CompileOptions = { rollups: false };

const fields = buildFields(membersDataset.catalog);

export function activityPlan(q: ActivityQuestion, window: TimeWindow, tz: string, filter?: FilterNode): ActivityPlan {
  return { kind: 'activity', dataset: 'members', window, intervals: MEMBER_ACTIVITY.name, filter, zone: tz === 'member' ? { kind: 'entity' } : { kind: 'fixed', tz }, question: q };
}

export const compileActivityPlan = (plan: ActivityPlan, options: CompileOptions): CompiledQuery => compilePlan(plan, membersDataset, fields, options);

export async function runActivity(db: Database, plan: ActivityPlan, options: CompileOptions): Promise<PlanResult> {
  const { sql, params } = compileActivityPlan(plan, options);
  const { rows } = await db.query(sql, params);
  return toResult(plan, membersDataset, fields, rows);
}

/** Writes the fixture as PostgreSQL-style CSV files (COPY ... CSV HEADER) and imports them
 *  into `dir/snap.duckdb` as the members dataset; returns the snapshot's path. */
export async function importedFixture(fx: MembersFixture, dir: string): Promise<string> {
  const src = join(dir, 'csv');
  mkdirSync(src, { recursive: true });
  const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
  writeFileSync(join(src, 'member.csv'), ['id,real_name,tz', ...fx.members.map((m) => `${m.id},${q(m.real_name)},${m.tz}`)].join('\n') + '\n');
  writeFileSync(join(src, 'activity_period.csv'), ['id,member_id,start_time,end_time', ...fx.periods.map((p) => `${p.id},${p.member_id},${sqlTime(p.start)},${sqlTime(p.end)}`)].join('\n') + '\n');
  const db = join(dir, 'snap.duckdb');
  await importSnapshot({ source: src, dbPath: db, dataset: membersDataset });
  return db;
}
