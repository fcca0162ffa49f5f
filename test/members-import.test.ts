// `npm run import -- SOURCE --dataset members`: Parquet files under plain and Django names,
// and, with a PostgreSQL server, the old service's Django schema (task_user,
// task_activityperiod) read live, from a pg_dump (with its DDL and --data-only) and from CSV
// files that PostgreSQL's COPY wrote; each snapshot compared table by table with the source
// rows. The checks of SPEC-members section 1 refuse a bad source naming the table, the row and
// the value: an unknown zone (a made-up one, ICU's `PST`, a wrong case), an end before its
// start, a period of no member, a malformed UUID, a duplicate id, a missing name; each written
// by the real PostgreSQL as COPY CSV and pg_dump, and read live.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { loadTaskSchema } from '../data/members/pg-load.ts';
import { ImportError } from '../data/source.ts';
import { dropSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { tempDir } from './helpers.ts';
import { membersFixture, readMembersSource } from './members-fixture.ts';
import type { MembersFixture } from './members-fixture.ts';

const reachable = await postgresForTests('the members PostgreSQL import tests');

const dir = tempDir('mimport-');
const schema = `bae_members_${process.pid}`;
const bad = `bae_members_bad_${process.pid}`;
let fx: MembersFixture;

beforeAll(async () => {
  fx = await membersFixture(join(dir.path, 'fx'), 120, 5);
});
afterAll(async () => {
  if (reachable) {
    await dropSchema(schema).catch(() => {});
    await dropSchema(bad).catch(() => {});
  }
  dir.cleanup();
});

const importMembers = (source: string, name: string, extra: { schema?: string } = {}) =>
  importSnapshot({ source, dbPath: join(dir.path, `${name}.duckdb`), dataset: membersDataset, ...extra });

/** The snapshot's tables hold exactly the fixture's source rows (ids as lowercase text,
 *  times to the microsecond). */
async function expectSnapshotMatchesSource(db: string): Promise<void> {
  const snap = await Database.open(db, { readOnly: true });
  try {
    const m = (await snap.query(`SELECT CAST(id AS VARCHAR) AS id, real_name, tz FROM member ORDER BY id`)).rows;
    const p = (await snap.query(`SELECT id, CAST(member_id AS VARCHAR) AS member_id, epoch_us(start_time) AS s, epoch_us(end_time) AS e FROM activity_period ORDER BY id`)).rows;
    const byId = <T extends { id: string | number }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(m).toEqual(byId(fx.members).map((x) => ({ ...x })));
    expect(p.map((r) => ({ id: Number(r['id']), member_id: r['member_id'], start: Number(r['s']), end: Number(r['e']) }))).toEqual(byId(fx.periods));
    // Nothing of the user model but its declared columns.
    expect((await snap.query(`SELECT column_name FROM duckdb_columns() WHERE column_name IN ('password', 'last_login')`)).rows).toEqual([]);
  } finally {
    snap.close();
  }
}

describe('members import from files', () => {
  it('imports Parquet files under plain and Django names, as the source holds them', async () => {
    const meta = await importMembers(fx.source, 'plain');
    expect(meta).toMatchObject({ dataset: 'members', rows: { member: fx.members.length, activity_period: fx.periods.length } });
    await expectSnapshotMatchesSource(join(dir.path, 'plain.duckdb'));
    const django = join(dir.path, 'django');
    mkdirSync(django);
    const scratch = await Database.open(':memory:');
    try {
      // UUIDs as text, as a Parquet writer without the UUID type leaves them (upper case too).
      await scratch.query(`COPY (SELECT upper(CAST(id AS VARCHAR)) AS id, real_name, tz FROM read_parquet($1)) TO $2 (FORMAT parquet)`, [join(fx.source, 'member.parquet'), join(django, 'task_user.parquet')]);
      await scratch.query(`COPY (SELECT id, CAST(member_id AS VARCHAR) AS member_id, start_time, end_time FROM read_parquet($1)) TO $2 (FORMAT parquet)`, [join(fx.source, 'activity_period.parquet'), join(django, 'task_activityperiod.parquet')]);
    } finally {
      scratch.close();
    }
    await importMembers(django, 'django');
    await expectSnapshotMatchesSource(join(dir.path, 'django.duckdb'));
    // Two imports with every import-time table (32-48 s alone, 60 s once beside other jobs).
  }, 180_000);
});

/** COPY CSV of both tables, as PostgreSQL writes it, into a folder of its own. */
async function copyCsv(from: string, out: string): Promise<string> {
  mkdirSync(out, { recursive: true });
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    await client.query(`SET TIME ZONE 'UTC'`);
    for (const t of ['task_user', 'task_activityperiod'])
      await pipeline(client.query(copyTo(`COPY ${from}.${t} TO STDOUT (FORMAT csv, HEADER)`)), createWriteStream(join(out, `${t}.csv`)));
  } finally {
    await client.end();
  }
  return out;
}

const pgDump = (from: string, file: string, extra: readonly string[] = []) => {
  execFileSync('pg_dump', ['--dbname', PGURL, '--schema', from, '--no-owner', '--file', file, ...extra], { stdio: 'pipe' });
  return file;
};

describe.skipIf(!reachable)('members import from PostgreSQL (the old service\'s Django schema)', () => {
  beforeAll(async () => {
    await loadTaskSchema(schema, fx.source, dir.path);
  });

  it('reads the live database', async () => {
    await importMembers(PGURL, 'live', { schema });
    await expectSnapshotMatchesSource(join(dir.path, 'live.duckdb'));
  });

  it('reads a pg_dump of the schema, with its DDL and --data-only', async () => {
    for (const [name, extra] of [['dump', []], ['dump-data', ['--data-only']]] as const) {
      await importMembers(pgDump(schema, join(dir.path, `${name}.sql`), extra), name);
      await expectSnapshotMatchesSource(join(dir.path, `${name}.duckdb`));
    }
  });

  it('reads the CSV files COPY wrote (timestamps with offsets, UUIDs as text)', async () => {
    await importMembers(await copyCsv(schema, join(dir.path, 'csv')), 'csv');
    await expectSnapshotMatchesSource(join(dir.path, 'csv.duckdb'));
  });

  // Each bad row in a schema whose columns are text and unconstrained, as a careless export
  // might hold them; the good rows around it are three members and three periods.
  const GOOD_USERS = `('b0000000-0000-4000-8000-000000000001', 'x', 'One', 'Europe/Paris'), ('b0000000-0000-4000-8000-000000000002', 'x', 'Two', 'US/Pacific'), ('b0000000-0000-4000-8000-000000000003', 'x', 'Three', 'UTC')`;
  const GOOD_PERIODS = `(1, 'b0000000-0000-4000-8000-000000000001', '2026-01-01 10:00:00+00', '2026-01-01 11:00:00+00'), (2, 'b0000000-0000-4000-8000-000000000002', '2026-01-02 10:00:00+01', '2026-01-02 10:00:00+01'), (3, 'b0000000-0000-4000-8000-000000000003', '2026-01-03 10:00:00+00', '2026-01-04 11:00:00+00')`;
  const CASES: [what: string, users: string, periods: string, message: RegExp][] = [
    ['an unknown zone', `('b0000000-0000-4000-8000-000000000004', 'x', 'Four', 'Mars/Olympus_Mons')`, '', /table 'member' \(.*(row 4|line \d+)\), column 'tz': 'Mars\/Olympus_Mons' is not an IANA time zone name/],
    ["ICU's PST, which is no IANA name", `('b0000000-0000-4000-8000-000000000004', 'x', 'Four', 'PST')`, '', /table 'member' \(.*(row 4|line \d+)\), column 'tz': 'PST' is not an IANA time zone name/],
    ['a zone in the wrong case', `('b0000000-0000-4000-8000-000000000004', 'x', 'Four', 'us/pacific')`, '', /column 'tz': 'us\/pacific' is not an IANA time zone name/],
    ['an end before the start', '', `(4, 'b0000000-0000-4000-8000-000000000001', '2026-02-01 10:00:00+00', '2026-02-01 09:59:59+00')`, /table 'activity_period' \(.*(row 4|line \d+)\): end_time '2026-02-01 09:59:59' is before start_time '2026-02-01 10:00:00'/],
    ['a period of no member', '', `(4, 'b0000000-0000-4000-8000-0000000000ff', '2026-02-01 10:00:00+00', '2026-02-01 11:00:00+00')`, /table 'activity_period' \(.*(row 4|line \d+)\), column 'member_id': b0000000-0000-4000-8000-0000000000ff references no row of table 'member'/],
    ['a malformed UUID', `('b0000000-0000-4000-8000-00000000000z', 'x', 'Four', 'UTC')`, '', /table 'member' \(.*(row 4|line \d+)\), column 'id': cannot read 'b0000000-0000-4000-8000-00000000000z' as UUID/],
    ['two members with one id', `('b0000000-0000-4000-8000-000000000002', 'x', 'Again', 'UTC')`, '', /table 'member' \(.*(row 4|line \d+)\), column 'id': duplicate value 'b0000000-0000-4000-8000-000000000002'/],
    ['a member without a name', `('b0000000-0000-4000-8000-000000000004', 'x', NULL, 'UTC')`, '', /table 'member' \(.*(row 4|line \d+)\), column 'real_name': null in a required column/],
  ];
  for (const [what, users, periods, message] of CASES) {
    it(`refuses ${what}, naming the row, from COPY CSV, pg_dump and the live database`, async () => {
      const client = new pg.Client({ connectionString: PGURL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${bad} CASCADE`);
        await client.query(`CREATE SCHEMA ${bad};
          CREATE TABLE ${bad}.task_user (id text, password text, real_name text, tz text);
          CREATE TABLE ${bad}.task_activityperiod (id bigint, member_id text, start_time timestamptz, end_time timestamptz);
          INSERT INTO ${bad}.task_user VALUES ${GOOD_USERS}${users ? `, ${users}` : ''};
          INSERT INTO ${bad}.task_activityperiod VALUES ${GOOD_PERIODS}${periods ? `, ${periods}` : ''};`);
      } finally {
        await client.end();
      }
      const slug = what.replace(/\W+/g, '-');
      const sources: [string, { schema?: string }][] = [
        [await copyCsv(bad, join(dir.path, `bad-csv-${slug}`)), {}],
        [pgDump(bad, join(dir.path, `bad-${slug}.sql`), ['--data-only']), {}],
        [PGURL, { schema: bad }],
      ];
      for (const [source, extra] of sources) {
        const err = await importMembers(source, `bad-${slug}`, extra).then(() => undefined, (e: unknown) => e);
        expect(err, source).toBeInstanceOf(ImportError);
        expect((err as Error).message, source).toMatch(message);
        // Nothing is left at the snapshot's path.
        expect(existsSync(join(dir.path, `bad-${slug}.duckdb`))).toBe(false);
      }
    });
  }

  it('left the good snapshots whole', async () => {
    const again = await readMembersSource(fx.source);
    expect(again.members.length).toBe(fx.members.length);
    const snap = await Database.open(join(dir.path, 'live.duckdb'), { readOnly: true });
    try {
      expect(Number((await snap.query('SELECT count(*) AS n FROM member')).rows[0]!['n'])).toBe(fx.members.length);
    } finally {
      snap.close();
    }
  });
});
