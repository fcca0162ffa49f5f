// The fixture's members and periods in an in-memory DuckDB, under a catalog of the two
// tables (as the members dataset declares them) with the activity periods declared as
// intervals; `merged: true` also builds the tables an import builds (layout-intervals.ts).
// Runs activity plans on it the way the runner does (compile, query, results).
import type { Catalog } from '../engine/catalog.ts';
import type { DatasetDef } from '../engine/dataset.ts';
import { Database } from '../engine/db.ts';
import { intervalsLayout } from '../engine/layout-intervals.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { CompileOptions } from '../engine/query/compile-plan.ts';
import type { ActivityPlan } from '../engine/query/nodes.ts';
import { toResult } from '../engine/results.ts';
import type { PlanResult } from '../engine/results.ts';
import { buildFields } from '../engine/fields.ts';
import type { MembersFixture } from './members-activity-fixture.ts';
import { sqlTime } from './members-activity-fixture.ts';

const col = (name: string, sqlType: 'UUID' | 'VARCHAR' | 'BIGINT' | 'TIMESTAMP', filterable = true) => ({ name, sqlType, nullable: false, filterable, unique: name === 'id' });

export const membersToyCatalog: Catalog = {
  root: 'activity_period',
  tables: [
    {
      name: 'member',
      sourceNames: ['member'],
      columns: [col('id', 'UUID'), col('real_name', 'VARCHAR'), col('tz', 'VARCHAR')],
      relations: [{ name: 'activity_periods', kind: 'one-to-many', column: 'member_id', target: 'activity_period' }],
      label: 'real_name',
    },
    {
      name: 'activity_period',
      sourceNames: ['activity_period'],
      columns: [col('id', 'BIGINT'), col('member_id', 'UUID', false), col('start_time', 'TIMESTAMP'), col('end_time', 'TIMESTAMP')],
      relations: [{ name: 'member', column: 'member_id', target: 'member' }],
      label: 'id',
    },
  ],
  intervals: [{ name: 'activity', table: 'activity_period', key: 'member_id', start: 'start_time', end: 'end_time', entity: 'member', zone: 'tz', merged: 'activity_run', zones: 'zone_offset' }],
  fact: {
    name: 'activity_period',
    time: 'start_time',
    sortKey: ['start_time'],
    columns: [
      { name: 'id', path: 'id', sqlType: 'BIGINT', nullable: false },
      { name: 'member_id', path: 'member', sqlType: 'UUID', nullable: false },
      { name: 'start_time', path: 'start_time', sqlType: 'TIMESTAMP', nullable: false },
      { name: 'end_time', path: 'end_time', sqlType: 'TIMESTAMP', nullable: false },
    ],
  },
  rollups: [],
  distinctSets: [],
  firstSeen: [],
};

export const membersToyDataset: DatasetDef = { name: 'members', description: 'toy members', catalog: membersToyCatalog, measures: { periods: { kind: 'count', description: 'periods' } } };

export async function membersDatabase(fx: MembersFixture, merged: boolean): Promise<Database> {
  const db = await Database.open(':memory:', { threads: 1 });
  await db.exec(`CREATE TABLE m_raw (id VARCHAR, real_name VARCHAR, tz VARCHAR); CREATE TABLE p_raw (id BIGINT, member_id VARCHAR, s VARCHAR, e VARCHAR)`);
  await db.append('m_raw', fx.members.map((m) => [m.id, m.real_name, m.tz]));
  await db.append('p_raw', fx.periods.map((p) => [p.id, p.member_id, sqlTime(p.start), sqlTime(p.end)]));
  await db.exec(`CREATE TABLE member AS SELECT id::UUID AS id, real_name, tz FROM m_raw ORDER BY id;
    CREATE TABLE activity_period AS SELECT id, member_id::UUID AS member_id, s::TIMESTAMP AS start_time, e::TIMESTAMP AS end_time FROM p_raw ORDER BY start_time;
    DROP TABLE m_raw; DROP TABLE p_raw`);
  if (merged) for (const sql of intervalsLayout(membersToyCatalog, membersToyCatalog.intervals![0]!)) await db.exec(sql);
  return db;
}

/** The options each path compiles with: the import's tables, or the plain reading. */
export const MERGED: CompileOptions = { intervalTables: new Set(['activity_run', 'zone_offset']) };
export const PLAIN: CompileOptions = { rollups: false };

const fields = buildFields(membersToyCatalog);

export async function runActivity(db: Database, plan: ActivityPlan, options: CompileOptions, ds: DatasetDef = membersToyDataset): Promise<PlanResult> {
  const { sql, params } = compilePlan(plan, ds, fields, options);
  const { rows } = await db.query(sql, params);
  return toResult(plan, ds, fields, rows);
}
