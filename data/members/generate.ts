// Synthetic members and activity periods (SPEC-members section 5, the old service's
// `populate N`), written as member.parquet and activity_period.parquet. Names come from
// faker (pools of first and last names, and some awkward ones: names.ts); everything else is
// drawn in DuckDB from counter-based hashes of the seed, so a million members take seconds
// and the same seed and end give the same bytes.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../engine/db.ts';
import { ianaZoneNames } from '../../engine/zone-names.ts';
import { SYNTHETIC_COPY_OPTION } from '../generate-marker.ts';
import { U, bindNamed } from '../hash-sql.ts';
import { silent } from '../progress.ts';
import type { Progress } from '../progress.ts';
import { COMMON_ZONES, nameParts } from './names.ts';

export interface MembersGenerateOptions {
  readonly members: number;
  /** Periods per member that has any (default 3); about one member in 20 has none. */
  readonly periods?: number;
  readonly seed: number;
  readonly out: string;
  /** Every period ends at or before this instant. */
  readonly end: Date;
  readonly progress?: Progress;
}

export interface MembersGenerateResult {
  /** Rows written per table. */
  readonly rows: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

export const MEMBERS_TABLES = ['member', 'activity_period'] as const;
export const DEFAULT_PERIODS = 3;
/** Periods start within this span before the end (seconds). */
export const PERIOD_SPAN = 365 * 86_400;

// A UUID (version 4, variant 10) from two 64-bit hashes of the counter.
const HEX = (stream: number) => `printf('%016x', hash(i * 64 + ${stream}, $seed))`;
const MEMBERS_SQL = `
CREATE TABLE member AS
WITH r AS (
  SELECT i, ${HEX(1)} || ${HEX(2)} AS h, ${U(3)} AS u_name, ${U(4)} AS u_first, ${U(5)} AS u_last, ${U(6)} AS u_zone, ${U(7)} AS u_common, ${U(8)} AS u_none
  FROM range($members) t(i)
)
SELECT CAST(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' || substr('89ab', 1 + (hash(i, $seed) % 4)::INTEGER, 1)
            || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS UUID) AS id,
       CASE WHEN u_name < 0.04 THEN o.name ELSE f.name || ' ' || l.name END AS real_name,
       CASE WHEN u_common < 0.5 THEN cz.name ELSE z.name END AS tz,
       i AS gen_i, u_none < 0.05 AS gen_none
FROM r
  JOIN gen_first f ON f.k = floor(u_first * $firsts)::BIGINT
  JOIN gen_last l ON l.k = floor(u_last * $lasts)::BIGINT
  JOIN gen_odd o ON o.k = floor(u_first * $odds)::BIGINT
  JOIN gen_zone z ON z.k = floor(u_zone * $zones)::BIGINT
  JOIN gen_common_zone cz ON cz.k = floor(u_zone * $commonzones)::BIGINT`;

// A zone's changes of offset in the span (to the hour): where a period is placed across one.
const CHANGES_SQL = `
CREATE TABLE gen_change AS
WITH days AS (
  SELECT z.name AS tz, t.d FROM gen_zone z, (SELECT unnest(generate_series($end::TIMESTAMP - INTERVAL 367 DAY, $end::TIMESTAMP, INTERVAL 1 DAY)) AS d) t
), offs AS (
  SELECT tz, d, timezone(tz, d::TIMESTAMPTZ) - d AS off FROM days
), changed AS (
  SELECT tz, d FROM (SELECT tz, d, off, lag(off) OVER (PARTITION BY tz ORDER BY d) AS before FROM offs) WHERE off <> before
), hours AS (
  SELECT tz, d - INTERVAL 1 DAY + INTERVAL (h) HOUR AS h FROM changed, range(25) t(h)
), marked AS (
  SELECT tz, h, timezone(tz, h::TIMESTAMPTZ) - h AS off, lag(timezone(tz, h::TIMESTAMPTZ) - h) OVER (PARTITION BY tz ORDER BY h) AS before FROM hours
)
SELECT tz, h AS moment, row_number() OVER (PARTITION BY tz ORDER BY h) - 1 AS k, count(*) OVER (PARTITION BY tz) AS n FROM marked WHERE off <> before`;

// Period j of member i draws from counter i * $periods + j. Lengths: 3% zero, 20% seconds,
// 30% minutes, 35% up to 12 hours, 12% up to three days. 8% are placed across a change of
// the member's zone's offset (where it has one in the span); 12% of the second and later
// periods start inside the previous one (a third of those at the same instant): overlaps,
// and ties of start times. Times are whole seconds; every period ends by $end.
const PERIODS_SQL = `
CREATE TABLE activity_period AS
WITH slots AS (
  SELECT m.id AS member_id, m.tz, m.gen_i, j, m.gen_i * $periods + j AS i FROM member m, range($periods) t(j) WHERE NOT m.gen_none
), r AS (
  SELECT s.*, ${U(21)} AS u_start, ${U(22)} AS u_kind, ${U(23)} AS u_len, ${U(24)} AS u_overlap, ${U(25)} AS u_into, ${U(26)} AS u_dst, ${U(27)} AS u_pick FROM slots s
), sized AS (
  SELECT r.*, (CASE WHEN u_kind < 0.03 THEN 0
                    WHEN u_kind < 0.23 THEN 1 + floor(u_len * 59)
                    WHEN u_kind < 0.53 THEN 60 + floor(u_len * 3540)
                    WHEN u_kind < 0.88 THEN 3600 + floor(u_len * 39600)
                    ELSE 43200 + floor(u_len * 216000) END)::BIGINT AS len
  FROM r
), placed AS (
  SELECT sized.*, CASE
      WHEN u_dst < 0.08 AND c.moment IS NOT NULL THEN epoch(c.moment)::BIGINT - floor(u_start * len)::BIGINT - 1
      ELSE epoch($end::TIMESTAMP)::BIGINT - len - floor(pow(u_start, 1.4) * $span)::BIGINT END AS s0
  FROM sized LEFT JOIN gen_change c ON c.tz = sized.tz AND c.k = floor(u_pick * c.n)::BIGINT
), chained AS (
  SELECT placed.*, lag(s0) OVER w AS prev_s, lag(len) OVER w AS prev_len FROM placed WINDOW w AS (PARTITION BY gen_i ORDER BY j)
), started AS (
  SELECT member_id, gen_i, j, len,
         CASE WHEN prev_s IS NOT NULL AND u_overlap < 0.12
              THEN prev_s + CASE WHEN u_overlap < 0.04 THEN 0 ELSE floor(u_into * prev_len)::BIGINT END
              ELSE s0 END AS s
  FROM chained
), bounded AS (
  SELECT member_id, gen_i, j, least(s, epoch($end::TIMESTAMP)::BIGINT - len) AS s, len FROM started
)
SELECT row_number() OVER (ORDER BY gen_i, j) AS id, member_id, make_timestamp(s * 1000000) AS start_time, make_timestamp((s + len) * 1000000) AS end_time
FROM bounded`;

const OUTPUT: Readonly<Record<(typeof MEMBERS_TABLES)[number], string>> = {
  member: 'SELECT id, real_name, tz FROM member ORDER BY gen_i',
  activity_period: 'SELECT id, member_id, start_time, end_time FROM activity_period ORDER BY id',
};

export async function generateMembers(options: MembersGenerateOptions): Promise<MembersGenerateResult> {
  const progress = options.progress ?? silent;
  const periods = options.periods ?? DEFAULT_PERIODS;
  if (!Number.isSafeInteger(options.members) || options.members < 1) throw new Error(`members must be a whole number of at least 1, got ${options.members}`);
  if (!Number.isSafeInteger(periods) || periods < 0) throw new Error(`periods must be a whole number of at least 0, got ${periods}`);
  progress.phase('making names');
  const parts = nameParts(options.seed);
  const zones = ianaZoneNames();
  const db = await Database.open(':memory:', { connections: 1 });
  const end = options.end.toISOString().replace('T', ' ').replace('Z', '');
  const names = {
    end,
    seed: options.seed,
    members: options.members,
    periods,
    span: PERIOD_SPAN,
    firsts: parts.first.length,
    lasts: parts.last.length,
    odds: parts.odd.length,
    zones: zones.length,
    commonzones: COMMON_ZONES.length,
  };
  const run = async (sql: string) => {
    const [text, params] = bindNamed(sql, names);
    await db.query(text, params);
  };
  try {
    for (const t of ['gen_first', 'gen_last', 'gen_odd', 'gen_zone', 'gen_common_zone']) await db.exec(`CREATE TABLE ${t} (k BIGINT, name VARCHAR)`);
    const indexed = (xs: readonly string[]) => xs.map((x, k) => [k, x] as const);
    await db.append('gen_first', indexed(parts.first));
    await db.append('gen_last', indexed(parts.last));
    await db.append('gen_odd', indexed(parts.odd));
    await db.append('gen_zone', indexed(zones));
    await db.append('gen_common_zone', indexed(COMMON_ZONES));
    progress.phase('making members', options.members, 'rows');
    await run(MEMBERS_SQL);
    progress.tick(options.members);
    progress.phase('finding the zones\u2019 offset changes');
    await run(CHANGES_SQL);
    progress.phase('making activity periods');
    await run(PERIODS_SQL);
    const made = Number((await db.query('SELECT count(*) AS n FROM activity_period')).rows[0]?.['n'] ?? 0);
    progress.tick(made);

    mkdirSync(options.out, { recursive: true });
    const rows: Record<string, number> = { member: options.members, activity_period: made };
    const files: string[] = [];
    for (const table of MEMBERS_TABLES) {
      const file = join(options.out, `${table}.parquet`);
      progress.phase(`writing ${table}.parquet`);
      const tmp = `${file}.tmp`;
      rmSync(tmp, { force: true });
      // A fixed row-group size keeps the bytes independent of the thread count; the footer
      // marks the data as synthetic (generate-marker.ts).
      await db.query(`COPY (${OUTPUT[table]}) TO $1 (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880, ${SYNTHETIC_COPY_OPTION})`, [tmp]);
      progress.tick(rows[table]!);
      renameSync(tmp, file);
      files.push(file);
    }
    progress.done();
    return { rows, files };
  } finally {
    db.close();
  }
}
