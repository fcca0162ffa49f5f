// One sandbox process, seen from the server: started under an operating-system memory
// bound, asked one request at a time over IPC, and killed when it overruns. A process that
// has exited is never reused; the scheduler (sandbox.ts) starts another.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siblingEntry } from '../sibling-entry.ts';
import { SandboxError } from './protocol.ts';
import type { AdhocAnswer, AdhocRequest, FromChild, ToChild } from './protocol.ts';

const CHILD = siblingEntry('child', import.meta.url);
const ENTRY = fileURLToPath(CHILD.url);

/** How to start a program with its data segment (every private writable mapping: malloc,
 *  V8's heap, DuckDB's buffers) bounded by the kernel: prlimit where util-linux has it,
 *  else the shell's ulimit. Both apply RLIMIT_DATA and then exec the program. (Address
 *  space, RLIMIT_AS, cannot serve: V8 reserves tens of GB of it up front.) */
function limited(bytes: number): { execPath: string; prefix: string[] } {
  const prlimit = (process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'prlimit')).find((p) => existsSync(p));
  if (prlimit) return { execPath: prlimit, prefix: [`--data=${bytes}`, process.execPath] };
  return { execPath: '/bin/sh', prefix: ['-c', `ulimit -d ${Math.floor(bytes / 1024)} && exec "$0" "$@"`, process.execPath] };
}

export interface ProcessOptions {
  /** The snapshot's link in the private folder. */
  readonly file: string;
  /** The operating-system bound on the process's memory. */
  readonly memoryMb: number;
}

export class SandboxProcess {
  readonly ready: Promise<void>;
  /** Resolves when the process has exited, whatever the reason. */
  readonly exited: Promise<void>;
  private gone = false;
  private pending: { id: number; resolve: (a: AdhocAnswer) => void; reject: (e: Error) => void } | undefined;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly memoryMb: number,
  ) {
    let exited!: () => void;
    this.exited = new Promise<void>((r) => (exited = r));
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromChild) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'failed') reject(new Error(`the SQL sandbox could not open the snapshot: ${m.message}`));
        else this.settle(m);
      });
      const gone = (why: string) => {
        if (this.gone) return;
        this.gone = true;
        exited();
        reject(new Error(`the SQL sandbox process exited while starting (${why}): ${this.stderr.slice(-500)}`));
        // Most often the kernel or V8 refused memory the query asked for.
        this.pending?.reject(new SandboxError('memory', `the query stopped its sandbox process (${why}); most likely it needed more than the sandbox's ${this.memoryMb} MiB of memory`));
        this.pending = undefined;
      };
      child.on('exit', (code, signal) => gone(signal ? `signal ${signal}` : `exit code ${code}`));
      child.on('error', (e) => gone(e.message));
    });
    // Unhandled otherwise when nobody waits for a start that failed.
    this.ready.catch(() => {});
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
  }

  static start(options: ProcessOptions): SandboxProcess {
    const bytes = options.memoryMb * 1024 * 1024;
    const { execPath, prefix } = limited(bytes);
    // Of the bound, DuckDB's buffer manager gets half and V8's heap a quarter; the rest is
    // Node itself, thread stacks and what DuckDB allocates outside its buffer manager.
    const duckdbMb = Math.floor(options.memoryMb / 2);
    const child = fork(ENTRY, [options.file, String(duckdbMb)], {
      execPath,
      execArgv: [...prefix, `--max-old-space-size=${Math.floor(options.memoryMb / 4)}`, '--expose-gc', ...CHILD.execArgv],
      // Nothing of the server's environment (tokens, database URLs) crosses over.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: join(options.file, '..'), TZ: 'UTC', ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Answers are Buffers; the advanced serialization carries them without JSON.
      serialization: 'advanced',
    });
    return new SandboxProcess(child, options.memoryMb);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Neither exited nor killed. */
  get alive(): boolean {
    return !this.gone && !this.child.killed;
  }

  /** What the kernel counts against the process's bound (VmData), in bytes; 0 unknown. */
  dataBytes(): number {
    try {
      const m = /VmData:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** Runs one request (the process must be ready and idle). */
  run(id: number, request: AdhocRequest): Promise<AdhocAnswer> {
    if (this.gone) return Promise.reject(new Error('the SQL sandbox process has exited'));
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.child.send({ type: 'run', id, request } satisfies ToChild);
    });
  }

  /** Asks DuckDB to interrupt the request (it cannot stop inside one long function call). */
  cancel(id: number): void {
    if (!this.gone && this.child.connected) this.child.send({ type: 'cancel', id } satisfies ToChild);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private settle(m: Extract<FromChild, { id: number }>): void {
    const p = this.pending;
    if (!p || p.id !== m.id) return;
    this.pending = undefined;
    if (m.type === 'answer') p.resolve({ ...m.answer, body: Buffer.from(m.answer.body.buffer, m.answer.body.byteOffset, m.answer.body.byteLength) });
    else p.reject(new SandboxError(m.reason, m.message));
  }
}
