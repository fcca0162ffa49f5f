// The members data the tests ask about: a small generated set (seed 11) with hand-made rows
// added to its Parquet files for what a random draw may miss: periods across local midnight
// and DST changes in Pacific/Chatham (+12:45/+13:45), Asia/Kolkata (+05:30), America/Santiago
// (a midnight that does not exist) and Europe/London; overlapping periods, two starting at
// the same instant (ids break the tie, against insertion order), zero-length and sub-second
// periods, a member without periods, legacy zone names (US/Pacific, Asia/Calcutta), a local
// mean time offset with seconds (Tokyo, 1880), awkward names, and ids either side of the
// UUID's sign bit. Imported the ordinary way; the references read the Parquet files with
// plain SQL, never the snapshot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../engine/db.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMembers } from '../data/members/generate.ts';
import { END } from './helpers.ts';

export const HAND_MEMBERS: readonly (readonly [id: string, name: string, tz: string])[] = [
  ['a0000000-0000-4000-8000-000000000001', 'Chatham Islander', 'Pacific/Chatham'],
  ['a0000000-0000-4000-8000-000000000002', 'Kolkata Night Owl', 'Asia/Kolkata'],
  ['a0000000-0000-4000-8000-000000000003', 'Santiago Sleeper', 'America/Santiago'],
  ['a0000000-0000-4000-8000-000000000004', 'London Overlapper', 'Europe/London'],
  ['a0000000-0000-4000-8000-000000000005', 'Pacific Legacy', 'US/Pacific'],
  ['a0000000-0000-4000-8000-000000000006', 'Calcutta No Periods', 'Asia/Calcutta'],
  ['a0000000-0000-4000-8000-000000000007', 'O\'Brien "Bo" \\ 100%_x\ttab\nline 🚀 שלום', 'UTC'],
  ['a0000000-0000-4000-8000-000000000008', 'Meiji Era', 'Asia/Tokyo'],
  ['00000000-0000-4000-8000-000000000000', 'First Of All', 'America/St_Johns'],
  ['ffffffff-ffff-4fff-bfff-ffffffffffff', 'Last Of All', 'Etc/GMT+5'],
  ['7fffffff-ffff-4fff-bfff-ffffffffffff', 'Below The Sign Bit', 'Australia/Lord_Howe'],
  ['80000000-0000-4000-8000-000000000000', 'Above The Sign Bit', 'Asia/Kathmandu'],
];

/** [id, member, start, end] in UTC; ids out of start order on purpose. */
export const HAND_PERIODS: readonly (readonly [id: number, member: string, start: string, end: string])[] = [
  // Chatham: across the April 2026 change (14:00 UTC), across local midnight (11:15 UTC in June).
  [900001, 'a0000000-0000-4000-8000-000000000001', '2026-04-04 13:30:00', '2026-04-04 14:30:00'],
  [900002, 'a0000000-0000-4000-8000-000000000001', '2026-06-09 11:00:00', '2026-06-09 11:30:00'],
  [900003, 'a0000000-0000-4000-8000-000000000001', '2026-09-26 13:00:00', '2026-09-26 15:00:00'],
  // Kolkata: across local midnight (18:30 UTC); one of no length.
  [900010, 'a0000000-0000-4000-8000-000000000002', '2026-02-28 18:00:00', '2026-02-28 19:00:00'],
  [900011, 'a0000000-0000-4000-8000-000000000002', '2026-03-05 10:00:00', '2026-03-05 10:00:00'],
  // Santiago: across the April change (03:00 UTC) and the September one, whose midnight is skipped.
  [900020, 'a0000000-0000-4000-8000-000000000003', '2026-04-05 02:30:00', '2026-04-05 03:30:00'],
  [900021, 'a0000000-0000-4000-8000-000000000003', '2026-09-06 03:30:00', '2026-09-06 04:30:00'],
  // London: across the March and October changes; overlaps; two starting together (the
  // higher id inserted first); a sub-second period (length 0 s) and one ending 0.9 s after a minute.
  [900032, 'a0000000-0000-4000-8000-000000000004', '2026-05-01 10:00:00', '2026-05-01 12:00:00'],
  [900031, 'a0000000-0000-4000-8000-000000000004', '2026-05-01 10:00:00', '2026-05-01 10:30:00'],
  [900033, 'a0000000-0000-4000-8000-000000000004', '2026-05-01 11:00:00', '2026-05-01 11:30:00'],
  [900030, 'a0000000-0000-4000-8000-000000000004', '2026-03-29 00:30:00', '2026-03-29 01:30:00'],
  [900034, 'a0000000-0000-4000-8000-000000000004', '2026-10-25 00:59:59.5', '2026-10-25 01:00:00.4'],
  [900035, 'a0000000-0000-4000-8000-000000000004', '2026-10-25 23:59:00', '2026-10-26 00:00:59.9'],
  // US/Pacific: three days across the March change.
  [900040, 'a0000000-0000-4000-8000-000000000005', '2026-03-07 12:00:00', '2026-03-10 12:00:00'],
  // A millennium's midnight, and the last day of the data.
  [900050, 'a0000000-0000-4000-8000-000000000007', '1999-12-31 23:59:59', '2000-01-01 00:00:01'],
  [900051, 'a0000000-0000-4000-8000-000000000007', '2026-10-31 23:00:00', '2026-10-31 23:59:59'],
  // Tokyo's local mean time, +09:18:59.
  [900060, 'a0000000-0000-4000-8000-000000000008', '1880-01-01 00:00:00', '1880-01-01 01:00:00'],
  [900070, '00000000-0000-4000-8000-000000000000', '2026-01-01 02:00:00', '2026-01-01 04:00:00'],
  [900080, 'ffffffff-ffff-4fff-bfff-ffffffffffff', '2026-07-04 04:59:00', '2026-07-04 05:01:00'],
  [900090, '7fffffff-ffff-4fff-bfff-ffffffffffff', '2026-04-04 15:00:00', '2026-04-04 16:00:00'],
  [900100, '80000000-0000-4000-8000-000000000000', '2026-08-15 18:14:59', '2026-08-15 18:15:00'],
];

export interface MemberRow {
  readonly id: string;
  readonly real_name: string;
  readonly tz: string;
}

export interface PeriodRow {
  readonly id: number;
  readonly member_id: string;
  /** Epoch microseconds (UTC). */
  readonly start: number;
  readonly end: number;
}

export interface MembersFixture {
  readonly db: string;
  /** The Parquet folder imported. */
  readonly source: string;
  readonly members: MemberRow[];
  readonly periods: PeriodRow[];
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const extra = (periods: typeof HAND_PERIODS) => ({
  member: `SELECT CAST(id AS UUID) AS id, real_name, tz FROM (VALUES ${HAND_MEMBERS.map((m) => `(${m.map(quote).join(', ')})`).join(', ')}) t(id, real_name, tz)`,
  activity_period: `SELECT id::BIGINT AS id, CAST(member_id AS UUID) AS member_id, CAST(s AS TIMESTAMP) AS start_time, CAST(e AS TIMESTAMP) AS end_time FROM (VALUES ${periods.map(
    ([id, m, s, e]) => `(${id}, ${quote(m)}, ${quote(s)}, ${quote(e)})`,
  ).join(', ')}) t(id, member_id, s, e)`,
});

/** The source rows, read from the Parquet files with plain SQL. */
export async function readMembersSource(dir: string): Promise<{ members: MemberRow[]; periods: PeriodRow[] }> {
  const db = await Database.open(':memory:', { connections: 1 });
  try {
    const m = await db.query(`SELECT CAST(id AS VARCHAR) AS id, real_name, tz FROM read_parquet($1)`, [join(dir, 'member.parquet')]);
    const p = await db.query(`SELECT id, CAST(member_id AS VARCHAR) AS member_id, epoch_us(start_time) AS s, epoch_us(end_time) AS e FROM read_parquet($1)`, [join(dir, 'activity_period.parquet')]);
    return {
      members: m.rows.map((r) => ({ id: String(r['id']), real_name: String(r['real_name']), tz: String(r['tz']) })),
      periods: p.rows.map((r) => ({ id: Number(r['id']), member_id: String(r['member_id']), start: Number(r['s']), end: Number(r['e']) })),
    };
  } finally {
    db.close();
  }
}

/** `from1900`: without the hand-made periods before 1900 (ClickHouse stores none). */
export async function membersFixture(dir: string, generated = 300, seed = 11, from1900 = false): Promise<MembersFixture> {
  const EXTRA = extra(from1900 ? HAND_PERIODS.filter((p) => p[2] >= '1900') : HAND_PERIODS);
  const gen = join(dir, 'gen');
  const source = join(dir, 'source');
  await generateMembers({ members: generated, seed, out: gen, end: END });
  mkdirSync(source, { recursive: true });
  const db = await Database.open(':memory:', { connections: 1 });
  try {
    for (const t of ['member', 'activity_period'] as const) {
      await db.query(
        `COPY (SELECT * FROM read_parquet($1) UNION ALL ${EXTRA[t]}) TO $2 (FORMAT parquet)`,
        [join(gen, `${t}.parquet`), join(source, `${t}.parquet`)],
      );
    }
  } finally {
    db.close();
  }
  const snapshot = join(dir, 'members.duckdb');
  await importSnapshot({ source, dbPath: snapshot, dataset: membersDataset });
  return { db: snapshot, source, ...(await readMembersSource(source)) };
}
