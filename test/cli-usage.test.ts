// The command-line tools' contract with a person at a terminal: --help lists every option
// with its default and an example; a wrong command line says in one line what is wrong,
// shows the usage and exits 2; a failure while running is one line and exit 1; the stack
// trace only with DEBUG set.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';
import type { CliResult } from './cli-run.ts';

const dir = tempDir('cli-usage-');
afterAll(() => dir.cleanup());
const aFile = join(dir.path, 'a-file');
writeFileSync(aFile, 'not a folder');

const GENERATE = 'data/generate-cli.ts';
const IMPORT = 'data/import-cli.ts';
const BENCH = 'bench/run.ts';
const NO_DEBUG = { DEBUG: undefined };
const STACK = /\n\s+at /;

/** A usage error: exit 2, the first line names the problem, the usage follows, no stack. */
function expectUsageError(r: CliResult, usage: string, ...named: string[]): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n');
  expect(lines[0]).toMatch(/^error: /);
  for (const n of named) expect(lines[0]).toContain(n);
  expect(lines[1]).toBe(`Usage: ${usage}`);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).toBe('');
}

describe('--help', () => {
  it.each([
    [GENERATE, ['--views <n>', '(default: 1000000)', '--seed <n>', '(default: 42)', '--out <dir>', '(default: "data/generated")', '--end <date>', '--shape <shape>', '"skewed", "uniform"', '--memory-limit <size>', 'npm run generate -- --views']],
    [IMPORT, ['<source>', '--db <path>', 'data/analytics.duckdb', '--schema <name>', '(default: "public")', '--memory-limit <size>', 'npm run import -- data/generated']],
    [BENCH, ['--views <n>', '(default: 1000000)', '--shape <shape>', '"skewed", "uniform", "both"', '--quick', '--no-pg', '--readme', 'npm run bench -- --views', '--dataset <name>', '--orders <n>', 'npm run bench -- --dataset marketplace --orders']],
  ])('%s lists every option, its default and an example; exit 0', async (script, wanted) => {
    const r = await runCli(script, ['--help'], NO_DEBUG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run (generate|import|bench) -- /);
    expect(r.stdout).toMatch(/\nExamples?:\n/);
    for (const w of wanted) expect(r.stdout).toContain(w);
    expect(r.stderr).toBe('');
  });
});

describe('a wrong command line: one line, the usage, exit 2', () => {
  const gen = 'npm run generate -- [options]';
  it.each([
    [['--views', 'abc'], ['--views', "'abc'", 'positive integer']],
    [['--views', '-5'], ['--views', "'-5'", 'positive integer']],
    [['--views', '1.5'], ['--views', "'1.5'", 'positive integer']],
    [['--views', '0'], ['--views', "'0'", 'positive integer']],
    [['--seed', 'x'], ['--seed', "'x'", 'integer']],
    [['--end', 'next tuesday'], ['--end', 'ISO 8601']],
    [['--out', aFile], ['--out', aFile, 'not a folder']],
    [['--views'], ['--views', 'argument missing']],
    [['--colour', 'red'], ["unknown option '--colour'"]],
    [['--shape', 'flat'], ['--shape', "'flat'", 'Allowed choices are skewed, uniform.']],
    [['--shape'], ['--shape', 'argument missing']],
    [['--dataset', 'shop'], ['--dataset', "'shop'", 'marketplace']],
    [['--dataset', 'marketplace', '--views', '5'], ["'--views'", 'does not apply', 'marketplace']],
    [['--orders', '5'], ["'--orders'", 'does not apply', 'blog']],
    [['--dataset', 'marketplace', '--orders', '0'], ['--orders', "'0'", 'positive integer']],
    [['--memory-limit', '8XB'], ['--memory-limit', "'8XB'", 'amount of memory']],
    [['--memory-limit', 'lots'], ['--memory-limit', "'lots'", 'amount of memory']],
    [['--memory-limit', '16KB'], ['--memory-limit', "'16KB'", 'at least 64MB']],
    [['--dataset', 'members', '--memory-limit', '1GB'], ["'--memory-limit'", 'does not apply', 'members']],
  ])('generate %j', async (args, named) => {
    expectUsageError(await runCli(GENERATE, args, NO_DEBUG), gen, ...named);
  });

  const imp = 'npm run import -- [options] <source>';
  it('import without SOURCE', async () => {
    expectUsageError(await runCli(IMPORT, [], NO_DEBUG), imp, "missing required argument 'source'");
  });
  it('import with an unknown option or two sources', async () => {
    expectUsageError(await runCli(IMPORT, [dir.path, '--database', 'x.duckdb'], NO_DEBUG), imp, "unknown option '--database'");
    expectUsageError(await runCli(IMPORT, [dir.path, dir.path], NO_DEBUG), imp, 'too many arguments');
    expectUsageError(await runCli(IMPORT, [dir.path, '--dataset', 'shop'], NO_DEBUG), imp, "'shop' is invalid", 'blog, marketplace, members');
    expectUsageError(await runCli(IMPORT, [dir.path, '--memory-limit', '8'], NO_DEBUG), imp, '--memory-limit', "'8'", 'amount of memory');
    expectUsageError(await runCli(IMPORT, [dir.path, '--to', 'clickhouse', '--memory-limit', '8GB'], NO_DEBUG), imp, '--memory-limit', 'does not apply', 'clickhouse');
  });

  const bench = 'npm run bench -- [options]';
  it.each([
    [['--views', 'abc'], ['--views', "'abc'"]],
    [['--views', '500'], ['--views', "'500'", 'at least 1000']],
    [['--fast'], ["unknown option '--fast'"]],
    [['--shape', 'even'], ['--shape', "'even'", 'Allowed choices are skewed, uniform, both.']],
    [['--dataset', 'marketplace', '--views', '10000'], ["option '--views' does not apply to --dataset marketplace"]],
    [['--orders', '5000'], ["option '--orders' does not apply to --dataset blog"]],
  ])('bench %j', async (args, named) => {
    expectUsageError(await runCli(BENCH, args, NO_DEBUG), bench, ...named);
  });
});

describe('a failure while running: one line, exit 1; DEBUG adds the stack', () => {
  it('generate into a folder that cannot be made', async () => {
    const args = ['--views', '1000', '--out', join(aFile, 'below'), '--end', '2026-11-01'];
    const r = await runCli(GENERATE, args, NO_DEBUG);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^generate failed: ENOTDIR: .*below.*\n$/);
    const debug = await runCli(GENERATE, args, { DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^generate failed: ENOTDIR: /);
    expect(debug.stderr).toMatch(STACK);
  });

  it('import from a source that does not exist', async () => {
    const missing = join(dir.path, 'no-such-folder');
    const args = [missing, '--db', join(dir.path, 'snap.duckdb')];
    const r = await runCli(IMPORT, args, NO_DEBUG);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`import failed: source ${missing} does not exist (the previous snapshot, if any, is unchanged)\n`);
    const debug = await runCli(IMPORT, args, { DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr.split('\n')[0]).toBe(r.stderr.trim());
    expect(debug.stderr).toMatch(STACK);
  });
});
