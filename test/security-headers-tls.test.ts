// HTTPS-only headers (HSTS, CSP upgrade-insecure-requests) only where the server is reached
// over TLS or is configured so (HSTS=1): on plain HTTP they make a browser fetch the Swagger
// UI's assets over https://, and /docs at http://<LAN address>:3000 is a blank page.
// The TLS case uses a self-signed certificate for localhost/127.0.0.1 made for this test only
// (test/fixtures/tls-localhost-*.pem).
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { DEFAULT_LIMITS } from '../server/config.ts';
import type { Limits } from '../server/config.ts';
import { installHardening } from '../server/hardening.ts';
import { installErrorHandlers } from '../server/errors.ts';

const key = readFileSync(new URL('./fixtures/tls-localhost-key.pem', import.meta.url));
const cert = readFileSync(new URL('./fixtures/tls-localhost-cert.pem', import.meta.url));

async function headersOver(app: FastifyInstance, path: string): Promise<IncomingHttpHeaders> {
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    if (base.startsWith('https:')) {
      return await new Promise((resolve, reject) => {
        const req = httpsRequest(`${base}${path}`, { ca: cert }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        });
        req.on('error', reject);
        req.end();
      });
    }
    const res = await fetch(`${base}${path}`);
    await res.arrayBuffer();
    return Object.fromEntries(res.headers.entries());
  } finally {
    await app.close();
  }
}

const upgrades = (h: IncomingHttpHeaders) => /upgrade-insecure-requests/.test(String(h['content-security-policy']));

describe('HTTPS-only security headers', () => {
  it('are not sent on plain HTTP: /docs and its assets load from http://', async () => {
    for (const path of ['/docs/', '/docs/static/index.html', '/health']) {
      const h = await headersOver(await buildApp({ engine: () => undefined }), path);
      expect(h['content-security-policy'], path).toBeDefined();
      expect(upgrades(h), path).toBe(false);
      expect(h['strict-transport-security'], path).toBeUndefined();
      // The rest of helmet's protections stay.
      expect(h['x-content-type-options']).toBe('nosniff');
    }
  });

  it('are sent on every response when configured (HSTS=1, behind a TLS proxy)', async () => {
    const h = await headersOver(await buildApp({ engine: () => undefined, limits: { hsts: true } }), '/docs/');
    expect(upgrades(h)).toBe(true);
    expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('are sent where the request arrives over TLS', async () => {
    const app = Fastify({ https: { key, cert } });
    installErrorHandlers(app as unknown as FastifyInstance);
    const limits: Limits = { ...DEFAULT_LIMITS, rateLimitPerMinute: 0 };
    await installHardening(app as unknown as FastifyInstance, limits);
    app.get('/x', async () => ({ ok: true }));
    const h = await headersOver(app as unknown as FastifyInstance, '/x');
    expect(upgrades(h)).toBe(true);
    expect(h['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
