// Raw HTTP over node:net, for requests no HTTP client would send (stalled bodies, broken
// request lines, oversized headers) and for reading exactly what the server wrote.
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits what a server wrote on one connection into its responses (Content-Length bodies). */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyBytes = Buffer.from(rest.slice(end + 4), 'utf8');
    const body = bodyBytes.subarray(0, length).toString('utf8');
    out.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    rest = bodyBytes.subarray(length).toString('utf8');
  }
  return out;
}

export interface OpenSocket {
  readonly socket: Socket;
  /** Everything the server wrote, once it closed the connection. */
  readonly closed: Promise<string>;
}

/** Connects to `base` (http://host:port), writes `data`, and keeps the socket open. */
export async function openRaw(base: string, data: string): Promise<OpenSocket> {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(data);
  return { socket, closed };
}

/** Sends `data` and resolves with what the server wrote once it closes the connection (send
 *  `Connection: close` where a complete answer is expected). */
export async function exchange(base: string, data: string): Promise<string> {
  return (await openRaw(base, data)).closed;
}

/** Rejects once `ms` have passed: the bound a test asserts, not a way to wait for an event. */
export function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
