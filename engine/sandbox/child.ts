// A sandbox process (started by process.ts): opens the snapshot's private link locked
// down, then answers one request at a time over IPC. It holds nothing of the server's: its
// environment, folder and file names are its own.
import { basename, dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openLocked } from './open.ts';
import { SandboxError } from './protocol.ts';
import type { FromChild, ToChild } from './protocol.ts';
import { runAdhoc } from './run.ts';

const [file, duckdbMemoryMb] = process.argv.slice(2);

function send(message: FromChild): void {
  process.send?.(message);
}

// The server is gone: so is the reason to exist.
process.on('disconnect', () => process.exit(0));

let current: { id: number; cancelled: boolean } | undefined;

async function handle(c: DuckDBConnection, id: number, request: Extract<ToChild, { type: 'run' }>['request']): Promise<void> {
  const job = { id, cancelled: false };
  current = job;
  try {
    send({ type: 'answer', id, answer: await runAdhoc(c, request, () => job.cancelled) });
  } catch (e) {
    const err = e instanceof SandboxError ? e : new SandboxError('invalid', (e as Error).message);
    send({ type: 'error', id, reason: err.reason === 'busy' ? 'invalid' : err.reason, message: err.message });
  } finally {
    current = undefined;
    (globalThis as { gc?: () => void }).gc?.();
  }
}

async function main(): Promise<void> {
  if (!file || !duckdbMemoryMb) throw new Error('usage: child.ts <snapshot link> <DuckDB memory MiB>');
  // DuckDB sees only the private folder and the link's neutral name.
  process.chdir(dirname(file));
  const c = await openLocked(basename(file), Number(duckdbMemoryMb));
  process.on('message', (m: ToChild) => {
    if (m.type === 'run') {
      void handle(c, m.id, m.request);
    } else if (current?.id === m.id) {
      // An interrupt that lands before DuckDB starts executing is lost: repeat until done.
      const job = current;
      job.cancelled = true;
      const again = setInterval(() => (current === job ? c.interrupt() : clearInterval(again)), 10);
      c.interrupt();
    }
  });
  send({ type: 'ready' });
}

main().catch((e: unknown) => {
  const failed: FromChild = { type: 'failed', message: (e as Error).message };
  process.send?.(failed, undefined, {}, () => process.exit(1));
});
