// A killed import cannot remove its temporary files (the snapshot being built, DuckDB's log
// and spill folder, extracted text files of hundreds of MB); the next import into the same
// target removes them, and only them: never a running import's files, never files named
// otherwise.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { dropSchema, loadDjangoSchema, PGURL, postgresForTests } from './pg-fixture.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('leftover-');
const parquet = join(dir.path, 'parquet');
beforeAll(async () => {
  await generate({ views: 2000, seed: 4, out: parquet, end: END });
});
afterAll(() => dir.cleanup());

/** The id of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

/** What an import with this process id leaves beside `target`, as the importer names it. */
function leave(target: string, pid: number): string[] {
  const base = `${target}.tmp-${pid}-1700000000000`;
  writeFileSync(base, 'snapshot being built');
  writeFileSync(`${base}.wal`, 'log');
  mkdirSync(`${base}.files`);
  writeFileSync(join(`${base}.files`, 'blog_view.tsv'), 'rows');
  mkdirSync(`${base}.tmp`);
  writeFileSync(join(`${base}.tmp`, 'duckdb_temp_storage-0.tmp'), 'spill');
  return [base, `${base}.wal`, `${base}.files`, `${base}.tmp`];
}

describe('leftovers of killed imports', () => {
  it('are removed by the next import into the same target; a running import and unrelated files are left alone', async () => {
    const folder = join(dir.path, 'fake');
    mkdirSync(folder);
    const target = join(folder, 'snap.duckdb');
    const dead = leave(target, await deadPid());
    const live = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const running = leave(target, live.pid!);
      const unrelated = [
        `${target}.tmp-notes`,
        `${target}.tmp-${await deadPid()}-1700000000000.txt`,
        join(folder, `other.duckdb.tmp-${await deadPid()}-1700000000000`),
        `${target}.bak`,
      ];
      for (const f of unrelated) writeFileSync(f, 'keep');
      const logged: string[] = [];
      await importSnapshot({ source: parquet, dbPath: target, log: (l) => logged.push(l) });
      for (const f of dead) expect(existsSync(f), f).toBe(false);
      for (const f of [...running, ...unrelated, target]) expect(existsSync(f), f).toBe(true);
      expect(logged.filter((l) => l.startsWith('removed ')).length).toBe(4);
    } finally {
      live.kill();
    }
  });
});

const reachable = await postgresForTests('the killed-import test');
const schema = `bae_leftover_${process.pid}`;

describe.skipIf(!reachable)('an import killed with SIGKILL', () => {
  beforeAll(async () => {
    await loadDjangoSchema(schema, parquet, dir.path);
  }, 120_000);
  afterAll(async () => {
    if (reachable) await dropSchema(schema);
  });

  it('leaves files that the next import removes', async () => {
    const folder = join(dir.path, 'killed');
    mkdirSync(folder);
    const target = join(folder, 'snap.duckdb');
    // The views table is locked: the child extracts the other tables, then waits on the lock.
    const locker = new pg.Client({ connectionString: PGURL });
    await locker.connect();
    let child: ChildProcess | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${schema}.analytics_app_blogview IN ACCESS EXCLUSIVE MODE`);
      child = spawn(process.execPath, ['--import', 'tsx', 'data/import-cli.ts', PGURL, '--schema', schema, '--db', target], { stdio: 'ignore' });
      const exited = once(child, 'exit');
      // Waits for the explicit event of the child's lock request (pg_locks), not for a time.
      for (;;) {
        const { rows } = await locker.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
          [`${schema}.analytics_app_blogview`],
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const pid = child.pid!;
      const mine = () => readdirSync(folder).filter((f) => f.startsWith(`snap.duckdb.tmp-${pid}-`));
      expect(mine()).toEqual(expect.arrayContaining([expect.stringMatching(/\.files$/)]));
      expect(readdirSync(join(folder, mine().find((f) => f.endsWith('.files'))!))).toEqual(expect.arrayContaining(['country.tsv', 'user.tsv', 'blog.tsv']));
      child.kill('SIGKILL');
      await exited;
      await locker.query('ROLLBACK');
      expect(mine().length).toBeGreaterThan(0);
      await importSnapshot({ source: parquet, dbPath: target });
      expect(mine()).toEqual([]);
      expect(readdirSync(folder)).toEqual(['snap.duckdb']);
    } finally {
      child?.kill('SIGKILL');
      await locker.end();
    }
  });
});
