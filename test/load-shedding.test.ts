// Load shedding (@fastify/under-pressure): a shed request is answered 503 in the spec's shape
// with Retry-After, and costs nothing: its route handler never runs. The pressure is forced
// through under-pressure's health check, not by stalling the event loop.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('shed-');
let engine: Engine;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 5_000, 3);
  engine = await Engine.open(db);
});
afterAll(() => {
  engine?.close();
  dir.cleanup();
});

/** An app whose routes count how often they reach the engine, and whose log is kept. */
async function countingApp(healthy: boolean, rateLimitPerMinute = 0) {
  let calls = 0;
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const app = await buildApp({
    engine: () => (calls++, engine),
    logger: { level: 'info', stream },
    hardening: { healthCheck: async () => healthy },
    limits: { rateLimitPerMinute },
  });
  return { app, calls: () => calls, log: () => lines.join('') };
}

describe('load shedding', () => {
  // With the rate limiter off (as the benchmark runs) nothing stands between the shedding hook
  // and the route; with it on, its own hook does, which once hid the fault.
  it.each([0, 6000])('answers 503 unavailable with Retry-After and never runs the route (rate limit %i)', async (rate) => {
    const { app, calls, log } = await countingApp(false, rate);
    try {
      for (const url of ['/api/v1/meta', '/api/v1/analytics/top?top=blog&range=all', '/ready']) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(503);
        expect(Object.keys(res.json()).sort()).toEqual(['code', 'details', 'error']);
        expect(res.json()).toMatchObject({ code: 'unavailable', error: expect.stringMatching(/overloaded/) });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(calls()).toBe(0);
      expect(log()).not.toMatch(/already sent/i);
    } finally {
      await app.close();
    }
  });

  it('serves normally when not under pressure', async () => {
    const { app, calls } = await countingApp(true);
    try {
      const res = await app.inject({ url: '/api/v1/meta' });
      expect(res.statusCode).toBe(200);
      expect(calls()).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
