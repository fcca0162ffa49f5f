// The members generator (SPEC-members section 5) and its zone list: the same seed and end
// give the same bytes (another seed other data); faker names, some awkward; every zone an
// IANA name that Intl and DuckDB's ICU both accept, legacy links among them; about one
// member in 20 without periods, P periods for the others; periods of no length, of seconds
// to days, across local midnight and across DST changes in the member's zone, overlapping
// and tied; none ending after the end. Checked with plain SQL over the Parquet files and
// Intl, not with the engine. The command line: --dataset members, its options, misuse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { ianaZoneNames, isIanaZone } from '../engine/zone-names.ts';
import { generateMembers } from '../data/members/generate.ts';
import { END, tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';

const dir = tempDir('mgen-');
let db: Database;
const out = (name: string) => join(dir.path, name);
const f = (name: string, t: string) => `read_parquet('${join(out(name), `${t}.parquet`)}')`;

beforeAll(async () => {
  db = await Database.open(':memory:', { connections: 1 });
  await generateMembers({ members: 4000, seed: 9, out: out('a'), end: END });
  await generateMembers({ members: 4000, seed: 9, out: out('b'), end: END });
  await generateMembers({ members: 4000, seed: 10, out: out('c'), end: END });
  await generateMembers({ members: 500, periods: 7, seed: 9, out: out('p7'), end: END });
});
afterAll(() => {
  db?.close();
  dir.cleanup();
});

const one = async (sql: string) => (await db.query(sql)).rows[0]!;

describe('the zone list', () => {
  it('holds IANA names, legacy links included, that Intl and DuckDB both accept, and nothing else', async () => {
    const names = ianaZoneNames();
    expect(names.length).toBeGreaterThan(590);
    for (const z of ['US/Pacific', 'Asia/Calcutta', 'Asia/Kolkata', 'UTC', 'Etc/GMT+5', 'Pacific/Chatham', 'America/Argentina/Buenos_Aires', 'Europe/Kyiv', 'GB']) expect(isIanaZone(z), z).toBe(true);
    for (const z of ['PST', 'SystemV/PST8PDT', 'us/pacific', 'Factory', 'Mars/Olympus', '', 'Europe/London ']) expect(isIanaZone(z), z).toBe(false);
    for (const z of names) expect(() => new Intl.DateTimeFormat('en-US', { timeZone: z }), z).not.toThrow();
    const duck = new Set((await db.query(`SELECT name FROM pg_timezone_names()`)).rows.map((r) => String(r['name'])));
    expect(names.filter((z) => !duck.has(z))).toEqual([]);
  });
});

describe('generateMembers', () => {
  it('writes the same bytes for the same seed and end, other data for another seed', () => {
    for (const t of ['member', 'activity_period']) {
      expect(readFileSync(join(out('a'), `${t}.parquet`)).equals(readFileSync(join(out('b'), `${t}.parquet`))), t).toBe(true);
      expect(readFileSync(join(out('a'), `${t}.parquet`)).equals(readFileSync(join(out('c'), `${t}.parquet`))), t).toBe(false);
    }
  });

  it('makes members with unique v4 UUIDs, faker names (some awkward) and IANA zones', async () => {
    const m = await one(`SELECT count(*) AS n, count(DISTINCT id) AS ids, count(*) FILTER (WHERE CAST(id AS VARCHAR) SIMILAR TO '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}') AS v4,
      count(DISTINCT real_name) AS names, count(*) FILTER (WHERE real_name LIKE '%''%' OR real_name LIKE '%\\%' OR real_name LIKE '%' || chr(10) || '%') AS odd, count(DISTINCT tz) AS zones FROM ${f('a', 'member')}`);
    expect(m).toMatchObject({ n: 4000, ids: 4000, v4: 4000 });
    expect(m['names'] as number).toBeGreaterThan(3000);
    expect(m['odd'] as number).toBeGreaterThan(10);
    expect(m['zones'] as number).toBeGreaterThan(300);
    const zones = (await db.query(`SELECT DISTINCT tz FROM ${f('a', 'member')}`)).rows.map((r) => String(r['tz']));
    expect(zones.filter((z) => !isIanaZone(z))).toEqual([]);
    expect(zones).toEqual(expect.arrayContaining(['US/Pacific', 'Asia/Calcutta', 'Pacific/Chatham', 'America/Santiago', 'Europe/London']));
  });

  it('gives P periods to each member that has any, about one in 20 none', async () => {
    for (const [name, p, members] of [['a', 3, 4000], ['p7', 7, 500]] as const) {
      const r = await one(`SELECT count(*) FILTER (WHERE n = 0) AS none, count(*) FILTER (WHERE n NOT IN (0, ${p})) AS other
        FROM (SELECT m.id, count(p.id) AS n FROM ${f(name, 'member')} m LEFT JOIN ${f(name, 'activity_period')} p ON p.member_id = m.id GROUP BY m.id)`);
      expect(r['other']).toBe(0);
      expect(r['none'] as number).toBeGreaterThan(members / 40);
      expect(r['none'] as number).toBeLessThan(members / 10);
    }
  });

  it('makes periods of every kind the analytics must survive', async () => {
    const periods = f('a', 'activity_period');
    const members = f('a', 'member');
    const r = await one(`SELECT count(*) AS n, count(DISTINCT id) AS ids,
        count(*) FILTER (WHERE end_time = start_time) AS zero,
        count(*) FILTER (WHERE end_time < start_time) AS backwards,
        count(*) FILTER (WHERE end_time - start_time BETWEEN INTERVAL 1 SECOND AND INTERVAL 59 SECOND) AS seconds,
        count(*) FILTER (WHERE end_time - start_time > INTERVAL 1 DAY) AS days,
        count(*) FILTER (WHERE end_time > $1::TIMESTAMP) AS late,
        count(*) FILTER (WHERE microsecond(start_time) % 1000000 <> 0) AS fractions
      FROM ${periods}`.replace('$1', `'${END.toISOString().slice(0, 19).replace('T', ' ')}'`));
    expect(r['ids']).toBe(r['n']);
    expect(r).toMatchObject({ backwards: 0, late: 0, fractions: 0 });
    for (const k of ['zero', 'seconds', 'days']) expect(r[k] as number, k).toBeGreaterThan(50);
    // In the member's zone: across local midnight, across a change of offset.
    const local = (c: string) => `timezone(m.tz, p.${c}::TIMESTAMPTZ)`;
    const z = await one(`SELECT count(*) FILTER (WHERE date_trunc('day', ${local('start_time')}) <> date_trunc('day', ${local('end_time')})) AS midnight,
        count(*) FILTER (WHERE ${local('start_time')} - p.start_time <> ${local('end_time')} - p.end_time) AS dst
      FROM ${periods} p JOIN ${members} m ON m.id = p.member_id`);
    expect(z['midnight'] as number).toBeGreaterThan(1000);
    expect(z['dst'] as number).toBeGreaterThan(150);
    const o = await one(`SELECT count(*) FILTER (WHERE a.start_time < b.end_time AND b.start_time < a.end_time) AS overlapping, count(*) FILTER (WHERE a.start_time = b.start_time) AS tied
      FROM ${periods} a JOIN ${periods} b ON a.member_id = b.member_id AND a.id < b.id`);
    expect(o['overlapping'] as number).toBeGreaterThan(300);
    expect(o['tied'] as number).toBeGreaterThan(50);
  });
});

describe('npm run generate -- --dataset members', () => {
  it('writes both files where --out says, and refuses options of the other datasets', async () => {
    const target = out('cli');
    const r = await runCli('data/generate-cli.ts', ['--dataset', 'members', '--members', '300', '--periods', '2', '--seed', '4', '--out', target, '--end', '2026-01-01'], { DEBUG: undefined });
    expect(r.stderr).toMatch(/^$|progress|members/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^generated 300 members, \d+ activity periods into .*cli in [\d.]+ s \(peak RSS \d+ MiB\)$/m);
    const n = await one(`SELECT (SELECT count(*) FROM ${f('cli', 'member')}) AS m, (SELECT max(end_time) FROM ${f('cli', 'activity_period')}) <= TIMESTAMP '2026-01-01' AS ended`);
    expect(n).toEqual({ m: 300, ended: true });
    for (const [args, said] of [[['--dataset', 'members', '--orders', '5'], "option '--orders' does not apply to --dataset members"], [['--dataset', 'members', '--periods', '-1'], "option '--periods <n>' must be 0 or more"], [['--members', '5'], "option '--members' does not apply to --dataset blog"]] as const) {
      const bad = await runCli('data/generate-cli.ts', [...args, '--out', out('never')], { DEBUG: undefined });
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(said);
    }
  });
});
