// What an analyst (or the old Django service) would ask PostgreSQL for each members question,
// over the Django tables task_user and task_activityperiod: each member's periods that overlap
// the window merged where they overlap or touch (gaps and islands with window functions),
// clipped to the window, days and hours read with AT TIME ZONE. $1 and $2 bound the window
// (the engine's answer's own), $3 is a text[] of zones whose members are left out (empty but
// where DuckDB's and PostgreSQL's zone data disagree: run.ts). Text cells (dates, instants,
// offsets) are written as the engine writes them; numbers are compared as numbers.

const W1 = '$1::timestamptz';
const W2 = '$2::timestamptz';
const KEEP = 'u.tz <> ALL($3::text[])';
/** The window's parameters where a question has no window (a list, a member): typed, unused. */
const UNWINDOWED = `${W1} <= ${W2}`;
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** The zone a question reads days and hours in: a named one, or each member's own. */
export type Zone = { readonly zone: string } | 'member';
const zoneOf = (z: Zone) => (z === 'member' ? 'r.tz' : lit(z.zone));
const ISO_Z = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const isoUtc = (t: string) => `to_char(${t} AT TIME ZONE 'UTC', ${ISO_Z})`;

/** Each member's runs in the window: periods that hold time and overlap it, merged, clipped. */
const runs = (s: string) => `p AS (
  SELECT a.member_id, u.tz, a.start_time AS s, a.end_time AS e FROM ${s}.task_activityperiod a JOIN ${s}.task_user u ON u.id = a.member_id
  WHERE a.end_time > a.start_time AND a.start_time < ${W2} AND a.end_time > ${W1} AND ${KEEP}),
o AS (SELECT *, max(e) OVER (PARTITION BY member_id ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM p),
g AS (SELECT *, count(*) FILTER (WHERE prev IS NULL OR prev < s) OVER (PARTITION BY member_id ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS grp FROM o),
r AS (SELECT member_id, tz, greatest(min(s), ${W1}) AS s, least(max(e), ${W2}) AS e FROM g GROUP BY member_id, tz, grp)`;

/** Every local date a run touches, in zone z: `day` (timestamp at local midnight). */
const runDays = (z: Zone) =>
  `generate_series(date_trunc('day', r.s AT TIME ZONE ${zoneOf(z)}), date_trunc('day', (r.e - interval '1 microsecond') AT TIME ZONE ${zoneOf(z)}), interval '1 day') AS day`;

/** The window's local dates: in the zone, or in every zone of the members active in it. */
const windowDays = (z: Zone) => {
  const zones = z === 'member' ? `(SELECT DISTINCT tz FROM r) AS r` : `(SELECT 1) AS r`;
  return `SELECT DISTINCT day::date AS day FROM ${zones}, generate_series(date_trunc('day', ${W1} AT TIME ZONE ${zoneOf(z)}), date_trunc('day', (${W2} - interval '1 microsecond') AT TIME ZONE ${zoneOf(z)}), interval '1 day') AS day`;
};

/** Active, new, WAU, MAU and stickiness per day. New: the member's first period holding time
 *  (ever) starts in the window, on that day. */
const activeDays = (z: Zone) => (s: string) => `WITH ${runs(s)},
d AS (SELECT DISTINCT r.member_id, day::date AS day FROM r, ${runDays(z)}),
f AS (SELECT a.member_id, min(a.start_time) AS first FROM ${s}.task_activityperiod a JOIN ${s}.task_user u ON u.id = a.member_id
  WHERE a.end_time > a.start_time AND ${KEEP} GROUP BY a.member_id),
n AS (SELECT (f.first AT TIME ZONE ${z === 'member' ? 'u.tz' : zoneOf(z)})::date AS day, count(*) AS new FROM f JOIN ${s}.task_user u ON u.id = f.member_id
  WHERE f.first >= ${W1} AND f.first < ${W2} GROUP BY 1),
w AS (${windowDays(z)}),
x AS (SELECT w.day, count(DISTINCT d.member_id) FILTER (WHERE d.day = w.day) AS active,
  count(DISTINCT d.member_id) FILTER (WHERE d.day > w.day - 7) AS wau, count(DISTINCT d.member_id) AS mau
  FROM w LEFT JOIN d ON d.day <= w.day AND d.day > w.day - 30 GROUP BY w.day)
SELECT to_char(x.day, 'YYYY-MM-DD'), x.active, COALESCE(n.new, 0), x.wau, x.mau, CASE WHEN x.mau = 0 THEN NULL ELSE round(x.active * 100.0 / x.mau, 2) END
FROM x LEFT JOIN n ON n.day = x.day ORDER BY x.day`;

/** Seconds per member and local day, the first page of 100, and the rows in all. */
const activityTime = (z: Zone) => (s: string) => `WITH ${runs(s)},
d AS (SELECT r.member_id, day::date AS day,
  extract(epoch FROM least(r.e, (day + interval '1 day') AT TIME ZONE ${zoneOf(z)}) - greatest(r.s, day AT TIME ZONE ${zoneOf(z)})) AS sec FROM r, ${runDays(z)}),
t AS (SELECT member_id, day, sum(sec) AS sec FROM d GROUP BY 1, 2)
SELECT count(*) OVER (), t.member_id::text, u.real_name, to_char(t.day, 'YYYY-MM-DD'), t.sec
FROM t JOIN ${s}.task_user u ON u.id = t.member_id ORDER BY t.day, t.member_id LIMIT 100`;

/** Per UTC hour: the most members at one instant (a sweep over run starts and ends, an end
 *  before a start at the same instant, each hour's start a row of its own, read after a
 *  start or at an hour's start: after an end it is a state between two instants, which may
 *  belong to the hour before) and the members active in it; the first row is the window's
 *  peak and its first instant. */
const concurrency = (s: string) => `WITH ${runs(s)},
b AS (SELECT generate_series(date_trunc('hour', ${W1} AT TIME ZONE 'UTC'), (${W2} - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 hour') AT TIME ZONE 'UTC' AS b),
ev AS (SELECT s AS t, 1 AS d FROM r UNION ALL SELECT e, -1 FROM r UNION ALL SELECT b, 0 FROM b),
c AS (SELECT t, d, sum(d) OVER (ORDER BY t, CASE d WHEN -1 THEN 0 WHEN 1 THEN 1 ELSE 2 END ROWS UNBOUNDED PRECEDING) AS n FROM ev),
pk AS (SELECT date_trunc('hour', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS b, max(n) AS peak FROM c WHERE d >= 0 AND t < ${W2} GROUP BY 1),
m AS (SELECT h AT TIME ZONE 'UTC' AS b, count(DISTINCT r.member_id) AS members
  FROM r, generate_series(date_trunc('hour', r.s AT TIME ZONE 'UTC'), (r.e - interval '1 microsecond') AT TIME ZONE 'UTC', interval '1 hour') AS h GROUP BY 1),
top AS (SELECT COALESCE(max(n), 0) AS peak FROM c WHERE d >= 0 AND t < ${W2})
SELECT at, peak, members FROM (
  SELECT 0 AS k, (SELECT ${isoUtc('min(t)')} FROM c WHERE d >= 0 AND t < ${W2} AND n = top.peak AND top.peak > 0) AS at, top.peak, NULL::bigint AS members FROM top
  UNION ALL
  SELECT 1, ${isoUtc('b.b')}, COALESCE(pk.peak, 0), COALESCE(m.members, 0) FROM b LEFT JOIN pk ON pk.b = b.b LEFT JOIN m ON m.b = b.b) x
ORDER BY k, at`;

const SESSION_BUCKETS = `(VALUES (1, '< 1 min', 0, 60), (2, '1-5 min', 60, 300), (3, '5-15 min', 300, 900), (4, '15-60 min', 900, 3600),
  (5, '1-4 h', 3600, 14400), (6, '4-24 h', 14400, 86400), (7, '>= 24 h', 86400, NULL)) AS k(i, label, lo, hi)`;

/** The merged runs' lengths: count, mean, nearest-rank median and p90, and the buckets. */
const sessions = (s: string) => `WITH ${runs(s)},
l AS (SELECT extract(epoch FROM e - s) AS len FROM r),
k AS (SELECT k.i, k.label || '=' || count(l.len) AS cell FROM ${SESSION_BUCKETS} LEFT JOIN l ON l.len >= k.lo AND (k.hi IS NULL OR l.len < k.hi) GROUP BY k.i, k.label)
SELECT count(*), round(avg(len), 2), percentile_disc(0.5) WITHIN GROUP (ORDER BY len), percentile_disc(0.9) WITHIN GROUP (ORDER BY len),
  (SELECT string_agg(cell, '|' ORDER BY i) FROM k) FROM l`;

/** Weekday x hour on each member's clock: every run cut into UTC quarter hours (every zone's
 *  offset and change is a multiple of 15 minutes, so a quarter hour lies in one local hour). */
const heatmap = (z: Zone) => (s: string) => `WITH ${runs(s)},
q AS (SELECT r.member_id, ${zoneOf(z)} AS tz, t, extract(epoch FROM least(r.e, t + interval '15 minutes') - greatest(r.s, t)) AS sec
  FROM r, generate_series(to_timestamp(floor(extract(epoch FROM r.s) / 900) * 900), r.e - interval '1 microsecond', interval '15 minutes') AS t),
c AS (SELECT extract(isodow FROM t AT TIME ZONE tz)::int AS wd, extract(hour FROM t AT TIME ZONE tz)::int AS h, sum(sec) AS sec, count(DISTINCT member_id) AS members FROM q GROUP BY 1, 2)
SELECT wd.wd, h.h, COALESCE(c.sec, 0), COALESCE(c.members, 0)
FROM generate_series(1, 7) AS wd(wd) CROSS JOIN generate_series(0, 23) AS h(h) LEFT JOIN c ON c.wd = wd.wd AND c.h = h.h ORDER BY 1, 2`;

/** An instant as the engine writes it in the member's zone: ISO with the zone's offset, six
 *  fraction digits where there are microseconds. */
const isoLocal = (t: string, tz: string) => {
  const off = `extract(epoch FROM (${t} AT TIME ZONE ${tz}) - (${t} AT TIME ZONE 'UTC'))::int`;
  const fraction = `CASE WHEN date_trunc('second', ${t}) = ${t} THEN '' ELSE '.' || to_char(${t} AT TIME ZONE ${tz}, 'US') END`;
  return `to_char(${t} AT TIME ZONE ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') || ${fraction} || CASE WHEN ${off} < 0 THEN '-' ELSE '+' END || lpad((abs(${off}) / 3600)::text, 2, '0') || ':' || lpad((abs(${off}) % 3600 / 60)::text, 2, '0')`;
};

/** A member's (`u`) periods (`where`) as one text cell, `start/end/duration|...`, by start
 *  then id: the foreign-key index's rows, as Django's prefetch reads them. */
const periodsCell = (s: string, where: string) =>
  `COALESCE((SELECT string_agg(${isoLocal('a.start_time', 'u.tz')} || '/' || ${isoLocal('a.end_time', 'u.tz')} || '/' || floor(extract(epoch FROM a.end_time - a.start_time))::bigint, '|' ORDER BY a.start_time, a.id)
    FROM ${s}.task_activityperiod a WHERE a.member_id = u.id AND ${where}), '')`;

/** The member list's first page (100 by id) and its count, as a Django list view asks them
 *  (a count, the page, the page's periods): `member` filters the members, `windowed` keeps
 *  only periods overlapping the window (and members with one). */
const memberList = (member: (s: string) => string, windowed: boolean) => (s: string) => {
  const overlaps = (a: string) => `(${a}.start_time < ${W2} AND (${a}.end_time > ${W1} OR (${a}.end_time = ${a}.start_time AND ${a}.start_time >= ${W1})))`;
  const where = `${member(s)} AND ${KEEP} AND ${windowed ? `EXISTS (SELECT 1 FROM ${s}.task_activityperiod w WHERE w.member_id = u.id AND ${overlaps('w')})` : UNWINDOWED}`;
  return `WITH n AS (SELECT count(*) AS n FROM ${s}.task_user u WHERE ${where}),
page AS (SELECT u.id, u.real_name, u.tz FROM ${s}.task_user u WHERE ${where} ORDER BY u.id LIMIT 100)
SELECT n.n, u.id::text, u.real_name, u.tz, ${periodsCell(s, windowed ? overlaps('a') : 'TRUE')} FROM page u, n ORDER BY u.id`;
};

const oneMember = (id: string) => (s: string) => `SELECT u.id::text, u.real_name, u.tz, ${periodsCell(s, 'TRUE')}
FROM ${s}.task_user u WHERE u.id = ${lit(id)}::uuid AND ${KEEP} AND ${UNWINDOWED}`;

/** Periods, active members and whole seconds per UTC month of the periods' starts. */
const queryByMonth = (s: string) => `SELECT to_char(date_trunc('month', a.start_time AT TIME ZONE 'UTC'), 'YYYY-MM-DD'), count(*), count(DISTINCT a.member_id),
  sum(floor(extract(epoch FROM a.end_time - a.start_time)))::bigint
FROM ${s}.task_activityperiod a JOIN ${s}.task_user u ON u.id = a.member_id
WHERE a.start_time >= ${W1} AND a.start_time < ${W2} AND ${KEEP} GROUP BY 1 ORDER BY 1`;

/** A member filter of the list: some period longer than a day, and a zone of the list. */
const longInZones = (zones: readonly string[]) => (s: string) =>
  `EXISTS (SELECT 1 FROM ${s}.task_activityperiod x WHERE x.member_id = u.id AND floor(extract(epoch FROM x.end_time - x.start_time)) > 86400) AND u.tz IN (${zones.map(lit).join(', ')})`;

export const MEMBERS_PG = {
  activeDays,
  activityTime,
  concurrency,
  sessions,
  heatmap,
  memberList,
  longInZones,
  oneMember,
  queryByMonth,
};
