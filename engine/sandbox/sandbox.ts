// Ad-hoc SQL (the debug endpoint) in separate sandbox processes: each has its own DuckDB
// over a private link to the snapshot, an operating-system memory bound, and one request at
// a time. A request's time limit counts from its arrival; at the limit it is answered
// (timeout) at once, and its process is interrupted, or killed if DuckDB cannot stop, then
// started afresh on demand. Requests wait in a bounded queue; past it they are refused.
import { constants, existsSync, rmSync } from 'node:fs';
import { copyFile, link, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxProcess } from './process.ts';
import { SandboxError } from './protocol.ts';
import type { AdhocAnswer, AdhocRequest } from './protocol.ts';

export interface SandboxOptions {
  /** Sandbox processes, each running one query at a time (default 2). */
  readonly processes?: number;
  /** The operating-system bound on each process's memory, in MiB (default 1024). */
  readonly memoryMb?: number;
  /** Requests waiting for a process at most (default 8); more are refused as busy. */
  readonly queue?: number;
  /** Where the private folders go (default: the OS temp folder). On the snapshot's file
   *  system the snapshot is hard-linked there; elsewhere it is copied (cloned if it can). */
  readonly dir?: string;
  /** Start the processes at once rather than at the first request (a process takes a
   *  second or more to start, which the first request would otherwise wait for). */
  readonly prestart?: boolean;
}

/** After a time limit, how long DuckDB has to stop on its own before the process dies. */
const KILL_GRACE_MS = 250;

/** A process that ends a request holding more than this share of its bound is replaced:
 *  memory DuckDB's allocator keeps mapped still counts against the bound, and would starve
 *  the next request. */
const RECYCLE_SHARE = 0.75;

interface Job {
  readonly id: number;
  readonly request: AdhocRequest;
  readonly deadline: number;
  readonly resolve: (a: AdhocAnswer) => void;
  readonly reject: (e: Error) => void;
  settled: boolean;
  /** Handed to a process (before: waiting, or waiting for a process to start). */
  sent?: boolean;
  timer?: NodeJS.Timeout;
}

interface Slot {
  proc?: SandboxProcess;
  job?: Job;
}

// Processes and private folders of every open sandbox, torn down if the server exits.
const live = new Set<Sandbox>();
let exitHook = false;

/** Places the snapshot (and a .wal beside it) under a neutral name in a private folder. */
async function privateCopy(snapshot: string, parent: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(parent, 'bae-sql-'));
  const file = join(dir, 'snapshot.duckdb');
  for (const [from, to] of [[snapshot, file], [`${snapshot}.wal`, `${file}.wal`]] as const) {
    if (from !== snapshot && !existsSync(from)) continue;
    await link(from, to).catch(() => copyFile(from, to, constants.COPYFILE_FICLONE));
  }
  return { dir, file };
}

export class Sandbox {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly memoryMb: number;
  private readonly queueMax: number;
  private prepared: Promise<{ dir: string; file: string }> | undefined;
  private dir: string | undefined;
  private nextId = 1;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly snapshot: string,
    private readonly options: SandboxOptions = {},
  ) {
    this.slots = Array.from({ length: Math.max(1, options.processes ?? 2) }, () => ({}));
    this.memoryMb = options.memoryMb ?? 1024;
    this.queueMax = options.queue ?? 8;
    if (options.prestart) this.warm().catch(() => {});
  }

  /** Starts every process; resolves when all are ready. */
  async warm(): Promise<void> {
    const file = await this.prepare();
    // Closed meanwhile: the folder made for nothing goes too.
    if (this.closed) return this.teardown();
    await Promise.all(this.slots.map((s) => (s.proc?.alive ? s.proc : this.start(s, file)).ready));
  }

  run(request: AdhocRequest): Promise<AdhocAnswer> {
    if (this.closed) return Promise.reject(new Error('the SQL sandbox is closed'));
    return new Promise<AdhocAnswer>((resolve, reject) => {
      const job: Job = { id: this.nextId++, request, deadline: Date.now() + request.timeoutMs, resolve, reject, settled: false };
      const free = this.slots.find((s) => !s.job);
      if (!free && this.queue.length >= this.queueMax) {
        const retryAfterS = Math.max(1, Math.ceil((Math.min(...this.slots.map((s) => s.job?.deadline ?? Infinity)) - Date.now()) / 1000));
        reject(new SandboxError('busy', `the SQL sandbox is busy (${this.slots.length} running, ${this.queue.length} waiting); retry later`, retryAfterS));
        return;
      }
      job.timer = setTimeout(() => this.expire(job), request.timeoutMs);
      if (free) void this.dispatch(free, job);
      else this.queue.push(job);
    });
  }

  /** Waits for the requests under way and queued, then stops the processes and removes the
   *  private folder. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.slots.some((s) => s.job) || this.queue.length > 0) await new Promise<void>((r) => (this.drained = r));
    this.teardown();
  }

  /** The running processes' ids (tests measure and kill them). */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.proc?.alive && s.proc.pid !== undefined ? [s.proc.pid] : []));
  }

  private settle(job: Job, outcome: { answer: AdhocAnswer } | { error: Error }): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if ('answer' in outcome) job.resolve(outcome.answer);
    else job.reject(outcome.error);
  }

  private expire(job: Job): void {
    const error = new SandboxError('timeout', `the query ran longer than ${job.request.timeoutMs} ms (counted from its arrival) and was stopped`);
    this.settle(job, { error });
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot?.proc || !job.sent) return;
    const proc = slot.proc;
    proc.cancel(job.id);
    // One long function call (a huge repeat(), say) ignores interrupts: then the process dies.
    setTimeout(() => slot.job === job && slot.proc === proc && proc.kill(), KILL_GRACE_MS).unref();
  }

  private async dispatch(slot: Slot, job: Job): Promise<void> {
    slot.job = job;
    try {
      const proc = slot.proc?.alive ? slot.proc : this.start(slot, await this.prepare());
      await proc.ready;
      if (job.settled) return;
      job.sent = true;
      this.settle(job, { answer: await proc.run(job.id, job.request) });
    } catch (e) {
      this.settle(job, { error: e as Error });
    } finally {
      const proc = slot.proc;
      if (proc?.alive && proc.dataBytes() > RECYCLE_SHARE * this.memoryMb * 1024 * 1024) proc.kill();
      slot.job = undefined;
      this.next(slot);
    }
  }

  /** The private folder with the snapshot's link (made once; again after a failure). */
  private async prepare(): Promise<string> {
    this.prepared ??= privateCopy(this.snapshot, this.options.dir ?? tmpdir()).catch((e: unknown) => {
      this.prepared = undefined;
      throw e;
    });
    const { dir, file } = await this.prepared;
    this.dir = dir;
    this.hookExit();
    return file;
  }

  /** Starts the slot's process; once it has served, a death (a kill at a time limit, say)
   *  starts its successor at once, so that the next request need not wait for it. */
  private start(slot: Slot, file: string): SandboxProcess {
    const proc = SandboxProcess.start({ file, memoryMb: this.memoryMb });
    slot.proc = proc;
    proc.ready.then(
      () => proc.exited.then(() => !this.closed && slot.proc === proc && this.start(slot, file)),
      () => {},
    );
    return proc;
  }

  private next(slot: Slot): void {
    let job = this.queue.shift();
    while (job?.settled) job = this.queue.shift();
    if (job) void this.dispatch(slot, job);
    else if (this.closed && this.drained && this.slots.every((s) => !s.job) && this.queue.length === 0) this.drained();
  }

  private hookExit(): void {
    live.add(this);
    if (exitHook) return;
    exitHook = true;
    process.on('exit', () => live.forEach((s) => s.teardown()));
  }

  private teardown(): void {
    live.delete(this);
    for (const s of this.slots) s.proc?.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
