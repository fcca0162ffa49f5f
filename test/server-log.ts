// A spawned server's log (pino's JSON lines on stdout), read line by line, so that tests
// can wait for what the server says it did instead of guessing how long it takes.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServerLog {
  readonly lines: readonly LogLine[];
  /** Resolves with the first line (past or future) that satisfies `match`; rejects if
   *  the process exits first. */
  waitFor(match: (line: LogLine) => boolean): Promise<LogLine>;
}

export function serverLog(child: ChildProcessWithoutNullStreams): ServerLog {
  const lines: LogLine[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void; reject: (e: Error) => void }>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of waiters) {
      if (!w.match(line)) continue;
      waiters.delete(w);
      w.resolve(line);
    }
  });
  child.once('exit', (code, signal) => {
    const tail = lines.slice(-5).map((l) => l.msg).join(' | ');
    for (const w of waiters) w.reject(new Error(`server exited (${code ?? signal}) before the awaited log line; last lines: ${tail}`));
    waiters.clear();
  });
  return {
    lines,
    waitFor(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error('server has exited'));
      return new Promise((resolve, reject) => waiters.add({ match, resolve, reject }));
    },
  };
}

/** Kills the process at the end of the current test if it is still running (also when the
 *  test failed or timed out before it could stop the process itself). */
export function killAfterTest(child: ChildProcessWithoutNullStreams): void {
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}
