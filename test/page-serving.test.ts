// How the server serves the page (server/page.ts): / is the built index.html, never cached,
// under the same CSP as everything (scripts from 'self' only: the build has no inline
// script); its assets under /assets/ with immutable caching; an unbuilt page is a 503 that
// says how to build it; with API keys set the page stays open while /api/... still asks for
// a key, unknown routes included (the static route claims /assets/ only). Also the size
// budget of the built page, gzipped, as the README states it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { defaultPageDir } from '../server/page.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { buildPage, builtFiles } from './page-build.ts';

const dir = tempDir('page-serve-');
const pageDir = join(dir.path, 'page');
const KEY = 'serving-test-key-0123456789';
let app: FastifyInstance | undefined;
let keyed: FastifyInstance | undefined;

beforeAll(async () => {
  await buildPage(pageDir);
  app = await buildApp({ engine: () => undefined, pageDir, limits: STEADY_LIMITS });
  keyed = await buildApp({ engine: () => undefined, pageDir, limits: STEADY_LIMITS, accessKeys: [{ name: 'k', secret: KEY }] });
});
afterAll(async () => {
  await app?.close();
  await keyed?.close();
  dir.cleanup();
});

const assetsOf = (html: string): string[] => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);

describe('the page\'s routes', () => {
  it('serves index.html at / (not cached) and its hashed assets (cached for good), scripts from /assets/ only', async () => {
    const r = await app!.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toBe(readFileSync(join(pageDir, 'index.html'), 'utf8'));
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    // Every script is a file of its own: the CSP allows no inline script.
    const scripts = [...r.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, inner] of scripts) {
      expect(attrs).toMatch(/src="\/assets\//);
      expect(inner!.trim()).toBe('');
    }
    const assets = assetsOf(r.body);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const a of assets) {
      const f = await app!.inject({ url: a });
      expect(f.statusCode, a).toBe(200);
      expect(f.headers['content-type'], a).toMatch(a.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(f.headers['cache-control'], a).toBe('public, max-age=31536000, immutable');
      expect(f.rawPayload.equals(readFileSync(join(pageDir, a))), a).toBe(true);
    }
  });

  it('answers an unknown asset, or a path climbing out, with the API\'s 404', async () => {
    for (const url of ['/assets/nope.js', '/assets/../index.html', '/assets/%2e%2e/%2e%2e/package.json']) {
      const r = await app!.inject({ url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toMatchObject({ code: 'not_found' });
    }
  });

  it('finds dist/page from the compiled server and from its TypeScript source alike', () => {
    expect(defaultPageDir('file:///app/dist/server/page.js')).toBe('/app/dist/page/');
    expect(defaultPageDir('file:///app/server/page.ts')).toBe('/app/dist/page/');
  });

  it('says how to build the page when it is not built', async () => {
    const empty = join(dir.path, 'empty');
    mkdirSync(empty);
    const bare = await buildApp({ engine: () => undefined, pageDir: empty, limits: STEADY_LIMITS });
    try {
      const r = await bare.inject({ url: '/' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'unavailable', error: expect.stringContaining('npm run build') });
    } finally {
      await bare.close();
    }
  });

  it('with API keys set, keeps the page and its assets open and still asks a key for any /api/ path', async () => {
    const index = await keyed!.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    for (const a of assetsOf(index.body)) expect((await keyed!.inject({ url: a })).statusCode, a).toBe(200);
    for (const url of ['/api/v1/datasets', '/api/v1/no-such-route', '/api/assets/x.js']) {
      const r = await keyed!.inject({ url });
      expect(r.statusCode, url).toBe(401);
      expect(r.headers['www-authenticate'], url).toBeDefined();
    }
    expect((await keyed!.inject({ url: '/api/v1/datasets', headers: { 'x-api-key': KEY } })).statusCode).toBe(200);
  });
});

describe('the page\'s size', () => {
  it('stays within the budget the README states, gzipped', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const budget = /page's budget: \*\*(\d+) KiB\*\* gzipped/.exec(readme);
    expect(budget, 'the README states the page\'s budget').not.toBeNull();
    const files = builtFiles(pageDir);
    const total = files.reduce((s, f) => s + f.gzipped, 0);
    expect(files.map((f) => f.path).sort()).toEqual(expect.arrayContaining(['index.html']));
    expect(total, files.map((f) => `${f.path} ${f.gzipped}`).join(', ')).toBeLessThanOrEqual(Number(budget![1]) * 1024);
    // The sum is over every file of the build: those index.html names and the chunk of charts
    // the page loads after them (two scripts, two style sheets).
    const named = assetsOf(readFileSync(join(pageDir, 'index.html'), 'utf8')).map((a) => a.slice(1));
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(named));
    expect(files.filter((f) => f.path.endsWith('.js')).length).toBe(2);
  });
});
