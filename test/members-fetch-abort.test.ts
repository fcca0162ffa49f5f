// /fetch/ abandoned by its client: a client that hangs up right after sending the request
// (before the answer's first read, or while it is streamed) must not leave the walk's hold on
// the snapshot behind, or a shutdown (SIGTERM) waits for it forever. Over a real socket.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { membersFixture } from './members-fixture.ts';

const dir = tempDir('mfetch-abort-');
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  const fx = await membersFixture(dir.path);
  engine = await Engine.open(fx.db, { dataset: membersDataset });
  app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: STEADY_LIMITS });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
  dir.cleanup();
});

/** Sends GET /fetch/ and hangs up `afterMs` later (0: as soon as the request is written). */
function abandon(port: number, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write('GET /fetch/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      setTimeout(() => {
        s.destroy();
        resolve();
      }, afterMs);
    });
    s.on('error', reject);
  });
}

describe('/fetch/ abandoned by its clients', () => {
  it('releases the snapshot: the engine still shuts down after 20 clients hung up early', async () => {
    const port = (app.server.address() as AddressInfo).port;
    for (const ms of [0, 0, 0, 0, 1, 1, 2, 5, 10, 20]) await abandon(port, ms);
    for (const ms of [0, 0, 1, 2, 5, 0, 0, 1, 2, 5]) await abandon(port, ms);
    // A whole answer still comes after them.
    const whole = await fetch(`http://127.0.0.1:${port}/fetch/?limit=3`);
    expect(whole.status).toBe(200);
    expect(((await whole.json()) as { members: unknown[] }).members).toHaveLength(3);
    await app.close();
    // The walks of the abandoned answers end by themselves (each within a page's query).
    const outcome = await Promise.race([
      engine.shutdown().then(() => 'closed'),
      new Promise<string>((r) => setTimeout(() => r('still waiting for a hold after 30 s'), 30_000).unref()),
    ]);
    expect(outcome).toBe('closed');
  }, 90_000);
});
