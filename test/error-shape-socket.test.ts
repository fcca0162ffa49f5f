// Every error in the spec's shape {error, code, details}, whoever raises it: Node's HTTP
// parser (oversized URL or headers, a broken request), Fastify's router (a malformed URL),
// @fastify/static (a path climbing out of the Swagger UI's folder); and X-Request-Id echoed
// only when short and plain. Each over a real socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { exchange, parseResponses } from './raw-socket.ts';
import type { RawResponse } from './raw-socket.ts';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await buildApp({ engine: () => undefined });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

function expectShape(r: RawResponse, status: number, code: string): void {
  expect(r.status, r.body).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(r.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error']);
  expect(body['code']).toBe(code);
  expect(typeof body['error']).toBe('string');
  expect(Array.isArray(body['details'])).toBe(true);
}

const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n${headers}\r\n`;

describe('errors raised before a route runs, over a real socket', () => {
  it('an oversized URL: 431 payload_too_large', async () => {
    const [r] = parseResponses(await exchange(base, get(`/api/v1/analytics/top?x=${'a'.repeat(20_000)}`)));
    expectShape(r!, 431, 'payload_too_large');
  });

  it('oversized headers: 431 payload_too_large', async () => {
    const [r] = parseResponses(await exchange(base, get('/health', `X-Padding: ${'b'.repeat(20_000)}\r\n`)));
    expectShape(r!, 431, 'payload_too_large');
  });

  it('a malformed URL (bad percent-encoding): 400 invalid_parameter', async () => {
    for (const path of ['/api/v1/%zz', '/api/v1/analytics/%E0%A4%A']) {
      const [r] = parseResponses(await exchange(base, get(path)));
      expectShape(r!, 400, 'invalid_parameter');
    }
  });

  it('a request that is not HTTP: 400 invalid_parameter', async () => {
    const [r] = parseResponses(await exchange(base, 'HELLO THERE\r\n\r\n'));
    expectShape(r!, 400, 'invalid_parameter');
  });

  it('a Content-Length shorter or other than the body: every answer in the shape', async () => {
    const short = `POST /api/v1/analytics/top HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"top":"blog","limit":3}`;
    const answers = parseResponses(await exchange(base, short));
    expect(answers.length).toBeGreaterThan(0);
    for (const r of answers) expectShape(r, r.status, JSON.parse(r.body)['code']);
    expect(answers.every((r) => r.status >= 400 && r.status < 500 || r.status === 503)).toBe(true);
    const bad = `POST /api/v1/analytics/top HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1x\r\n\r\n{}`;
    const [r] = parseResponses(await exchange(base, bad));
    expectShape(r!, 400, 'invalid_parameter');
  });

  it('a path climbing out of the Swagger UI folder: 404 not_found, nothing served', async () => {
    for (const path of ['/docs/static/../../../package.json', '/docs/static/..%2f..%2f..%2fpackage.json', '/docs/static/%2e%2e/%2e%2e/package.json']) {
      const [r] = parseResponses(await exchange(base, get(path)));
      expectShape(r!, 404, 'not_found');
      expect(r!.body).not.toMatch(/"dependencies"/);
    }
  });
});

describe('X-Request-Id', () => {
  const idOf = async (value: string) => parseResponses(await exchange(base, get('/health', `X-Request-Id: ${value}\r\n`)))[0]!.headers['x-request-id'];
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('is echoed when short and plain', async () => {
    expect(await idOf('abc-123_X.9')).toBe('abc-123_X.9');
    expect(await idOf('a'.repeat(64))).toBe('a'.repeat(64));
  });

  it('is replaced by a new id when long or not plain', async () => {
    for (const bad of ['<script>alert(1)</script>' + 'x'.repeat(8000), 'a'.repeat(65), 'has space', 'semi;colon', '"quoted"']) {
      const id = await idOf(bad);
      expect(id, bad.slice(0, 40)).toMatch(UUID);
    }
  });
});
