// Starts `server/main.ts` as `npm start` would, keeping everything it logs from the first
// line, so that tests can read what it said before listening and wait for later lines.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface MainProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches (an explicit event, e.g. a log line). */
  waitFor(pattern: RegExp): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function spawnMain(env: Record<string, string>): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: 'pipe',
  });
  let out = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(out)) return resolve();
      waiters.push({ pattern, resolve });
      void exited.then((code) => reject(new Error(`server exited ${code} before ${pattern}: ${out}`)));
    });
  try {
    await waitFor(/Server listening at http:\/\/127\.0\.0\.1:\d+/);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  return {
    child,
    url,
    output: () => out,
    waitFor,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
