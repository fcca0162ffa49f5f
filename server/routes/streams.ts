// Streamed endpoints (engine StreamEndpoint: the members service's /fetch/): the list is
// walked in pages by the engine and each page's JSON text is written as soon as it is read,
// with the socket's backpressure, so that a million rows are served in flat memory. The
// first page is read before the status line: a bad request or a missing snapshot is still a
// 4xx/503 in the error shape. A failure after that can only cut the answer short (the
// connection is closed, so that a client never takes a partial answer for a whole one).
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validate } from '../../engine/index.ts';
import type { AnyStreamEndpoint, Engine } from '../../engine/index.ts';
import { ALWAYS, streamRouteSchema } from '../openapi.ts';
import type { ComponentName } from '../openapi.ts';

type Rows = readonly Readonly<Record<string, unknown>>[];

/** Items joined per piece written: ~30 KiB of JSON, under V8's large-object size, so that a
 *  piece is young garbage once written (a page joined whole, ~600 KiB, is allocated in the
 *  old generation and kept until a full collection: 1M members' /fetch/ grew the heap by
 *  ~100 MiB of written pages before one ran). */
const ITEMS_PER_PIECE = 100;

/** The answer's bytes: the head, each page's items (comma-separated), the tail. The walk is
 *  stopped (its snapshot released) however the text ends: done, failed or abandoned. */
async function* answerText(e: AnyStreamEndpoint, pages: AsyncGenerator<Rows>, first: IteratorResult<Rows>): AsyncGenerator<Buffer> {
  try {
    yield Buffer.from(e.head);
    let sep = '';
    for (let page = first; !page.done; page = await pages.next()) {
      // The page's pieces are encoded before the first is written: the rows are then
      // garbage at once, not kept (and promoted) while a slow client reads.
      const pieces: Buffer[] = [];
      for (let i = 0; i < page.value.length; i += ITEMS_PER_PIECE) {
        const parts: string[] = [];
        for (const row of page.value.slice(i, i + ITEMS_PER_PIECE)) {
          parts.push(sep, e.item(row));
          sep = ',';
        }
        pieces.push(Buffer.from(parts.join('')));
      }
      page = { done: false, value: [] };
      for (const piece of pieces) yield piece;
    }
    yield Buffer.from(e.tail);
  } finally {
    await pages.return(undefined);
  }
}

export function streamRoutes(app: FastifyInstance, endpoints: readonly AnyStreamEndpoint[], engineOf: (dataset: string) => Engine, timeoutMs: number): void {
  for (const e of endpoints) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const input = validate(e.schema, request.query as Record<string, unknown>) as { limit?: number; offset: number };
      const plan = e.plan(input);
      const pages = engineOf(e.dataset).walk(plan, { batch: plan.limit, first: e.first, offset: input.offset, limit: input.limit, timeoutMs, label: e.operation, onNote: (m) => request.log.warn(m) });
      let first: IteratorResult<Rows>;
      try {
        first = await pages.next();
      } catch (err) {
        await pages.return(undefined);
        throw err;
      }
      const body = Readable.from(answerText(e, pages, first), { objectMode: false });
      body.on('error', (err) => request.log.error({ err }, `${e.operation}: the answer was cut short`));
      // A client gone before the stream's first read destroys it without ever starting
      // answerText, whose `finally` would release the walk's hold on the snapshot (a reload
      // or shutdown would then wait for it forever). Stopping the walk twice is harmless.
      body.once('close', () => void pages.return(undefined));
      return reply.type('application/json; charset=utf-8').send(body);
    };
    e.paths.forEach((url, i) => {
      const doc = { operationId: i === 0 ? e.operation : `${e.operation}NoSlash`, summary: i === 0 ? e.summary : `${e.summary} (also without the slash)`, deprecated: false };
      app.route({ method: 'GET', url, config: { needsKey: true }, schema: streamRouteSchema(e.schema, doc, e.answerSchema as ComponentName, [400, 401, ...ALWAYS, 504]), handler });
    });
  }
}
