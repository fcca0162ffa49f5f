// What the server asks of the SQL sandbox and what comes back, and the messages between the
// server process and a sandbox process (plain data: they cross a process boundary).
import type { Param } from '../db.ts';

export type AnswerFormat = 'json' | 'csv' | 'arrow';

export const ARROW_TYPE = 'application/vnd.apache.arrow.stream';

export interface AdhocRequest {
  readonly sql: string;
  readonly params: readonly Param[];
  readonly format: AnswerFormat;
  /** Rows returned at most; one more is read to tell whether there were more. */
  readonly maxRows: number;
  /** Counted from the request's arrival, queueing included. */
  readonly timeoutMs: number;
  /** The query plan instead of rows. */
  readonly explain: boolean;
  /** The answer's body may not be larger (else a SandboxError too_large). */
  readonly maxBytes: number;
}

/** An answer shaped in the sandbox process: the HTTP body as it goes out. */
export interface AdhocAnswer {
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly rowCount: number;
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

export type SandboxErrorReason =
  /** Not valid SQL, several statements, a bad parameter, an error while running. */
  | 'invalid'
  /** Valid, but not a single read-only query. */
  | 'forbidden'
  /** Ran past its time limit (counted from arrival). */
  | 'timeout'
  /** The answer would exceed its size bound. */
  | 'too_large'
  /** The query needed more memory than a sandbox process has. */
  | 'memory'
  /** Every sandbox process is busy and the queue is full. */
  | 'busy';

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly reason: SandboxErrorReason,
    message: string,
    /** busy: seconds after which a retry may find room. */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** Server -> sandbox process. */
export type ToChild =
  | { readonly type: 'run'; readonly id: number; readonly request: AdhocRequest }
  | { readonly type: 'cancel'; readonly id: number };

/** Sandbox process -> server. */
export type FromChild =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'answer'; readonly id: number; readonly answer: AdhocAnswer }
  | { readonly type: 'error'; readonly id: number; readonly reason: Exclude<SandboxErrorReason, 'busy'>; readonly message: string };
