// Tests of the worker pool: a query held in its worker, in JavaScript and never inside
// DuckDB, until the test has done what it wanted meanwhile (kill the worker: see pool.ts on
// why a thread must not die inside DuckDB). Memory shared with the worker, so that both
// sides wait for an event rather than a time.

/** Atomics.waitAsync is in Node 20 but in TypeScript's ES2024 library, past this project's. */
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const HELD = 0;
const RELEASED = 1;

async function waitWhileZero(a: Int32Array, index: number): Promise<void> {
  while (Atomics.load(a, index) === 0) {
    const r = waitAsync(a, index, 0);
    if (r.async) await r.value;
  }
}

export class WorkerGate {
  /** Travels with the task (a SharedArrayBuffer is shared, not copied). */
  readonly buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);

  /** Resolves once a worker holds the query at the gate. */
  reached(): Promise<void> {
    return waitWhileZero(new Int32Array(this.buffer), HELD);
  }

  /** Lets the held query go on. */
  release(): void {
    const a = new Int32Array(this.buffer);
    Atomics.store(a, RELEASED, 1);
    Atomics.notify(a, RELEASED);
  }
}

/** The worker's side: says the query is at the gate, and waits until it is released. */
export async function holdAtGate(buffer: SharedArrayBuffer): Promise<void> {
  const a = new Int32Array(buffer);
  Atomics.store(a, HELD, 1);
  Atomics.notify(a, HELD);
  await waitWhileZero(a, RELEASED);
}
