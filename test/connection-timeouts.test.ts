// A request whose headers or body never finish is answered 408 and closed within its bound,
// and close() ends with such a connection still open: over a real socket (node:net).
import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import type { Limits } from '../server/config.ts';
import { openRaw, parseResponses, within } from './raw-socket.ts';

async function listening(limits: Partial<Limits>): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp({ engine: () => undefined, limits });
  return { app, base: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

const STALLED_BODY = 'POST /api/v1/analytics/top HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"top":';
const STALLED_HEADERS = 'GET /health HTTP/1.1\r\nHost: test\r\nX-Waiting: ';

describe('timeouts on a real socket', () => {
  for (const [name, data] of [['body', STALLED_BODY], ['headers', STALLED_HEADERS]] as const) {
    it(`answers a request whose ${name} never arrives with 408 in the spec's shape, and closes it`, async () => {
      const { app, base } = await listening({ requestTimeoutMs: 300, headersTimeoutMs: 300 });
      const raw = await openRaw(base, data);
      try {
        // The bound: the timeout plus Node's connection check interval, with room to spare.
        const text = await within(5_000, raw.closed, 'the stalled connection was not closed');
        const [r] = parseResponses(text);
        expect(r?.status).toBe(408);
        const body = JSON.parse(r!.body) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error']);
        expect(body['code']).toBe('request_timeout');
      } finally {
        raw.socket.destroy();
        await app.close();
      }
    });
  }

  it('close() completes with a stalled connection open, and closes it', async () => {
    // The request timeout is far away: only the shutdown grace period can end this one.
    const { app, base } = await listening({ requestTimeoutMs: 600_000, headersTimeoutMs: 60_000, shutdownGraceMs: 200 });
    const arrived = new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    const raw = await openRaw(base, STALLED_BODY);
    try {
      await arrived;
      await within(5_000, app.close(), 'app.close() with a stalled connection');
      await within(5_000, raw.closed, 'the stalled connection after close()');
    } finally {
      raw.socket.destroy();
    }
  });

  it('still lets a request in flight finish within the grace period', async () => {
    const { app, base } = await listening({ shutdownGraceMs: 10_000 });
    const arrived = new Promise<void>((resolve) => app.server.once('request', () => resolve()));
    // The body is sent in two parts: close() starts while the request is still arriving.
    const raw = await openRaw(base, 'POST /api/v1/analytics/top HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{');
    try {
      await arrived;
      const closing = app.close();
      raw.socket.write('}');
      const [r] = parseResponses(await within(5_000, raw.closed, 'the request in flight'));
      // It ran to its end (no snapshot loaded: 503 unavailable from the route, in the shape).
      expect(r?.status).toBe(503);
      expect(JSON.parse(r!.body)).toMatchObject({ code: 'unavailable' });
      await within(5_000, closing, 'app.close()');
    } finally {
      raw.socket.destroy();
    }
  });
});
