// A start that cannot go on says why in one line on stderr and exits non-zero, without a
// stack trace (DEBUG adds one): a bad PORT or LOG_LEVEL, a snapshot path that is not a
// readable DuckDB file, a port already in use.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('startup-errors-');
let snapshot: string;

beforeAll(async () => {
  snapshot = (await generatedSnapshot(dir.path, 2_000, 3)).db;
});
afterAll(() => dir.cleanup());

/** Runs the server until it exits (each case here makes it exit); the killer stops it
 *  should it listen after all. */
function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', DEBUG: '', ANALYTICS_DB: snapshot, GENERATE_DEFAULT: '0', ...env },
    stdio: 'pipe',
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // It listens: the case failed; stop it rather than wait for the test's timeout.
    if (/Server listening at/.test(stdout)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr, stdout })));
}

function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.code).not.toBeNull();
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('a start that cannot go on', () => {
  it.each([
    ['PORT', 'abc', /^configuration error: PORT .*'abc'/],
    ['PORT', '70000', /^configuration error: PORT .*'70000'/],
    ['PORT', '-1', /^configuration error: PORT .*'-1'/],
    ['LOG_LEVEL', 'loud', /^configuration error: LOG_LEVEL .*'loud'/],
  ])('%s=%s: one line naming the setting, exit non-zero', async (name, value, pattern) => {
    expectOneLine(await run({ [name]: value }), pattern);
  });

  it('a snapshot path that is a folder, or a file that is not DuckDB: one line naming it', async () => {
    const folder = join(dir.path, 'folder.duckdb');
    mkdirSync(folder);
    expectOneLine(await run({ ANALYTICS_DB: folder }), new RegExp(`^cannot serve the snapshot at ${folder} .*not a regular file`));
    const text = join(dir.path, 'notes.duckdb');
    writeFileSync(text, 'these are not the views you are looking for\n');
    expectOneLine(await run({ ANALYTICS_DB: text }), new RegExp(`^cannot serve the snapshot at ${text} .*not a DuckDB database file`));
  });

  it('a port in use: one line naming the address; with DEBUG, the stack follows', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    try {
      const port = (holder.address() as AddressInfo).port;
      expectOneLine(await run({ PORT: String(port) }), new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port} .*in use`));
      const debug = await run({ PORT: String(port), DEBUG: '1' });
      expect(debug.code).not.toBe(0);
      expect(debug.stderr).toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
