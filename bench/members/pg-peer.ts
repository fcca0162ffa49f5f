// The members benchmark's PostgreSQL: the old service's Django tables (task_user,
// task_activityperiod, its primary keys and the index on the foreign key:
// data/members/pg-load.ts) loaded from the very Parquet files the engine's snapshot was
// imported from, ANALYZE'd, and reused by a later run while a fingerprint still matches. Also
// the facts the variants need from the same files, and the zones whose data DuckDB's ICU and
// PostgreSQL's tzdata tell apart over the data's span.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Database } from '../../engine/db.ts';
import { djangoPeer, fromParquet, rowText } from '../django-peer.ts';
import { TASK_TABLES, loadTaskSchema } from '../../data/members/pg-load.ts';
import type { Reporter } from '../../data/progress-report.ts';
import type { MarketMeasureContext } from '../market/measure.ts';

const FILES = { member: 'member', period: 'activity_period' } as const;
const fromFiles = <T>(parquet: string, work: (db: Database, t: Record<keyof typeof FILES, string>) => Promise<T>): Promise<T> => fromParquet(parquet, FILES, work);

// Sizes, keys and names: the same text from DuckDB over the files and PostgreSQL's tables.
const fingerprint = (t: { member: string; period: string }) => `SELECT
  (SELECT count(*) || ':' || sum(id) || ':' || max(id) || ':' || count(DISTINCT member_id) FROM ${t.period}) AS periods,
  (SELECT count(*) || ':' || md5(string_agg(CAST(id AS VARCHAR) || ':' || real_name || ':' || tz, ',' ORDER BY CAST(id AS VARCHAR))) FROM ${t.member}) AS members`;

/** Rows per table, and the member with the most periods (the lowest id among them). */
export function membersFacts(parquet: string): Promise<{ member: string; rows: Record<string, number> }> {
  return fromFiles(parquet, async (db, t) => {
    const row = (
      await db.query(`SELECT (SELECT count(*) FROM ${t.member}) AS member, (SELECT count(*) FROM ${t.period}) AS activity_period,
        (SELECT CAST(member_id AS VARCHAR) FROM ${t.period} GROUP BY member_id ORDER BY count(*) DESC, CAST(member_id AS VARCHAR) LIMIT 1) AS top`)
    ).rows[0]!;
    return { member: String(row['top']), rows: { member: Number(row['member']), activity_period: Number(row['activity_period']) } };
  });
}

/** The members' zones whose local time DuckDB (the engine's ICU) and PostgreSQL (its tzdata)
 *  write differently in [start, end), sampled every six hours (a disagreement is a DST rule:
 *  it lasts weeks): answers reading their clocks cannot agree, whichever is right. */
export async function zonesDisagreeing(parquet: string, client: pg.Client, start: Date, end: Date): Promise<string[]> {
  const sample = (zone: string, ts: string, fmt: string) => `md5(string_agg(${fmt}, ',' ORDER BY ${ts}))`;
  const ours = await fromFiles(parquet, async (db, t) => {
    const sql = `WITH z AS (SELECT DISTINCT tz FROM ${t.member}), h AS (SELECT unnest(generate_series($1::TIMESTAMPTZ, $2::TIMESTAMPTZ - INTERVAL 6 HOUR, INTERVAL 6 HOUR)) AS h)
      SELECT tz, ${sample('tz', 'h', "strftime(timezone(tz, h), '%Y-%m-%d %H:%M')")} AS f FROM z, h GROUP BY tz`;
    return new Map((await db.query(sql, [start.toISOString(), end.toISOString()])).rows.map((r) => [String(r['tz']), String(r['f'])]));
  });
  const theirs = await client.query<{ tz: string; f: string }>(
    `SELECT tz, ${sample('tz', 'h', `to_char(h AT TIME ZONE tz, 'YYYY-MM-DD HH24:MI')`)} AS f
     FROM unnest($1::text[]) AS z(tz), generate_series($2::timestamptz, $3::timestamptz - interval '6 hours', interval '6 hours') AS h GROUP BY tz`,
    [[...ours.keys()], start.toISOString(), end.toISOString()],
  );
  return theirs.rows.filter((r) => ours.get(r.tz) !== r.f).map((r) => r.tz).sort();
}

export interface MembersPeerOptions {
  /** False with --no-pg. */
  readonly use: boolean;
  readonly schema: string;
  readonly parquet: string;
  /** Where the load's intermediate CSV files go. */
  readonly workDir: string;
}

/** PostgreSQL holding the data set in `schema` (loaded unless it already matches), or
 *  undefined without PostgreSQL. The caller ends the client. */
export function membersPgPeer(progress: Reporter, o: MembersPeerOptions): Promise<MarketMeasureContext['pg']> {
  const { schema } = o;
  return djangoPeer(progress, {
    use: o.use,
    schema,
    ours: () => fromFiles(o.parquet, async (db, t) => rowText((await db.query(fingerprint(t))).rows[0]!)),
    theirs: (client) => client.query(fingerprint({ member: `${schema}.task_user`, period: `${schema}.task_activityperiod` })).then((r) => rowText(r.rows[0] as object)),
    load: async (client) => {
      progress.phase(`PostgreSQL: loading schema ${schema} (task_*)`);
      await loadTaskSchema(schema, o.parquet, o.workDir);
      for (const t of TASK_TABLES) rmSync(join(o.workDir, `${t}.load.csv`), { force: true });
      progress.phase('PostgreSQL: ANALYZE');
      for (const t of TASK_TABLES) await client.query(`ANALYZE ${schema}.${t}`);
    },
  });
}
