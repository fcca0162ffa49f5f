// Rate limits per access key where keys are set, per address where they are not
// (RATE_LIMIT_PER_MINUTE); a missing or unknown key is refused before the limiter counts it.
// Requests come from two loopback addresses (127.0.0.1 and 127.0.0.2) over real sockets.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import type { AccessKey } from '../server/access-keys.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const ALICE = { name: 'alice', secret: 'alice-Secret-0123456789' };
const BOB = { name: 'bob', secret: 'bob-Secret-abcdefghijkl' };
// A key named like an address has a budget of its own, apart from that address's.
const LOOKALIKE = { name: '127.0.0.1', secret: 'lookalike-Secret-0123456789' };
const LIMIT = 3;

const dir = tempDir('keys-rl-');
let engine: Engine;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 2000, 11);
  engine = await Engine.open(db);
});
afterAll(() => {
  engine?.close();
  dir.cleanup();
});

async function serve(accessKeys: readonly AccessKey[]): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp({ engine: () => engine, accessKeys, limits: { rateLimitPerMinute: LIMIT } });
  return { app, base: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

/** GET from a given local address (a fresh connection each time). */
function get(base: string, path: string, headers: Record<string, string> = {}, from = '127.0.0.1'): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function statuses(n: number, fn: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fn()).status);
  return out;
}

const key = (k: AccessKey) => ({ 'x-api-key': k.secret });
const repeat = (status: number, n: number) => Array.from({ length: n }, () => status);

describe('rate limits with access keys', () => {
  it('count per key: one key exhausted gets 429 while another still gets 200, from any address', async () => {
    const { app, base } = await serve([ALICE, BOB, LOOKALIKE]);
    try {
      // Missing and unknown keys are refused first and cost no budget (neither the address's
      // nor a real key's).
      expect(await statuses(LIMIT + 2, () => get(base, '/api/v1/meta'))).toEqual(repeat(401, LIMIT + 2));
      expect(await statuses(LIMIT + 2, () => get(base, '/api/v1/meta', { 'x-api-key': `${ALICE.secret}0` }))).toEqual(repeat(401, LIMIT + 2));

      expect(await statuses(LIMIT, () => get(base, '/api/v1/meta', key(ALICE)))).toEqual(repeat(200, LIMIT));
      const over = await get(base, '/api/v1/meta', key(ALICE));
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ code: 'rate_limited', details: [] });
      // The budget is the key's, not the address's: another address with the same key is over too.
      expect((await get(base, '/api/v1/meta', { authorization: `Bearer ${ALICE.secret}` }, '127.0.0.2')).status).toBe(429);
      // Another key, from the same address, still has its own.
      expect(await statuses(LIMIT, () => get(base, '/api/v1/meta', key(BOB)))).toEqual(repeat(200, LIMIT));
      expect((await get(base, '/api/v1/meta', key(BOB))).status).toBe(429);
      // The key named "127.0.0.1" is not the address 127.0.0.1, and the open routes count
      // per address, apart from every key.
      expect(await statuses(LIMIT, () => get(base, '/api/v1/meta', key(LOOKALIKE)))).toEqual(repeat(200, LIMIT));
      expect(await statuses(LIMIT + 1, () => get(base, '/health'))).toEqual([...repeat(200, LIMIT), 429]);
    } finally {
      await app.close();
    }
  });

  it('count per address without keys, whatever key header a client sends', async () => {
    const { app, base } = await serve([]);
    try {
      expect(await statuses(LIMIT, () => get(base, '/api/v1/meta', key(ALICE)))).toEqual(repeat(200, LIMIT));
      // Another key header buys no new budget: keys are off, the address is what counts.
      expect((await get(base, '/api/v1/meta', key(BOB))).status).toBe(429);
      expect((await get(base, '/api/v1/meta')).status).toBe(429);
      expect((await get(base, '/api/v1/meta', {}, '127.0.0.2')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
