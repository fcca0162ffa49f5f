// API_KEYS and API_KEYS_FILE: the pairs they hold, and every bad setting refused at start
// with one clear message that names keys and places but never a secret; `npm start` prints
// that message alone (no stack trace) and exits 1.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.ts';
import { KeyRing } from '../server/access-keys.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('keys-cfg-');
afterAll(() => dir.cleanup());

const A = 'alice-Secret-0123456789';
const B = 'bob:Secret:with#colons!';
const config = (env: Record<string, string>) => loadConfig(env, false);

function refusal(env: Record<string, string>): ConfigError {
  try {
    config(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('API_KEYS', () => {
  it('is off when unset or empty', () => {
    expect(config({}).accessKeys).toEqual([]);
    expect(config({ API_KEYS: '', API_KEYS_FILE: '' }).accessKeys).toEqual([]);
  });

  it('reads comma-separated name:secret pairs; a secret may hold colons', () => {
    expect(config({ API_KEYS: ` alice:${A} , bob-2.x_y : ${B},` }).accessKeys).toEqual([
      { name: 'alice', secret: A },
      { name: 'bob-2.x_y', secret: B },
    ]);
  });

  it('reads API_KEYS_FILE: one pair a line, # comments and blank lines skipped, CRLF too', () => {
    const file = join(dir.path, 'keys.txt');
    writeFileSync(file, `# dashboards\r\nalice:${A}\r\n\r\n   # ci\n  bob:${B}  \n`);
    expect(config({ API_KEYS_FILE: file }).accessKeys).toEqual([
      { name: 'alice', secret: A },
      { name: 'bob', secret: B },
    ]);
  });

  it('refuses every bad setting with one message naming the place, never the secret', () => {
    const missing = join(dir.path, 'no-such-file.txt');
    const comments = join(dir.path, 'comments.txt');
    writeFileSync(comments, '# nothing yet\n\n');
    const dup = join(dir.path, 'dup.txt');
    writeFileSync(dup, `alice:${A}\n# the same name again\nalice:${B}\n`);
    const cases: [Record<string, string>, RegExp][] = [
      [{ API_KEYS: `alice:${A},:${B}` }, /API_KEYS entry 2: the key's name is empty/],
      [{ API_KEYS: `alice:` }, /API_KEYS entry 1: the secret of key 'alice' is empty/],
      [{ API_KEYS: `alice:${A},bob:short-secret` }, /entry 2: the secret of key 'bob' is shorter than 16 characters/],
      [{ API_KEYS: `alice:${A},alice:${B}` }, /entry 2: the key name 'alice' is already used \(API_KEYS entry 1\)/],
      [{ API_KEYS: `alice:${A},bob:${A}` }, /entry 2: key 'bob' has the same secret as key 'alice'/],
      [{ API_KEYS: `${A}` }, /API_KEYS entry 1: expected name:secret/],
      [{ API_KEYS: `al ice:${A}` }, /entry 1: a key's name is 1 to 64 letters, digits/],
      [{ API_KEYS: `alice:${A} tail` }, /secret of key 'alice' must be visible ASCII characters without spaces/],
      [{ API_KEYS: ' , ' }, /API_KEYS holds no keys/],
      [{ API_KEYS_FILE: missing }, /API_KEYS_FILE: cannot read .*no-such-file\.txt \(ENOENT\)/],
      [{ API_KEYS_FILE: comments }, /API_KEYS_FILE: .*comments\.txt holds no keys/],
      [{ API_KEYS_FILE: dup }, /dup\.txt line 3: the key name 'alice' is already used \(.*dup\.txt line 1\)/],
      [{ API_KEYS: `alice:${A}`, API_KEYS_FILE: dup }, /set API_KEYS or API_KEYS_FILE, not both/],
      [{ API_KEYS: `alice:${A}`, DEBUG_TOKEN: A }, /DEBUG_TOKEN must differ from every API key; it is the secret of key 'alice'/],
    ];
    for (const [env, message] of cases) {
      const e = refusal(env);
      expect(e.message, JSON.stringify(env)).toMatch(message);
      expect(e.message.split('\n')).toHaveLength(1);
      for (const s of [A, B, 'short-secret']) expect(e.message).not.toContain(s);
    }
  });

  it('matches a secret to its key only when it is the whole secret', () => {
    const ring = new KeyRing([{ name: 'alice', secret: A }, { name: 'bob', secret: B }]);
    expect(ring.size).toBe(2);
    expect(ring.match(A)).toBe('alice');
    expect(ring.match(B)).toBe('bob');
    for (const s of ['', A.slice(0, -1), `${A} `, `${A}${A}`, A.toUpperCase(), 'alice', B.replace('bob:', '')]) expect(ring.match(s)).toBeUndefined();
  });

  it('stops `npm start` with the message alone, exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', API_KEYS: `alice:${A},bob:tooshort`, ANALYTICS_DB: join(dir.path, 'none.duckdb'), GENERATE_DEFAULT: '0' },
      stdio: 'pipe',
    });
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // A server that started after all would print its listening line: stop waiting there.
      const code = await new Promise<number | null | 'listening'>((resolve) => {
        child.on('exit', resolve);
        child.stdout.on('data', () => /listening/.test(out) && resolve('listening'));
      });
      expect(code).toBe(1);
      expect(err).toBe("configuration error: API_KEYS entry 2: the secret of key 'bob' is shorter than 16 characters\n");
      expect(out).toBe('');
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
});
