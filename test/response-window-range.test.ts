// What every JSON answer says about its time window: `window` bounds are ISO 8601 UTC
// instants with `Z` (written as GET /api/v1/meta writes its instants), which a JavaScript
// client in any zone reads as the instants the answer covered; `range` echoes the range that
// was applied, and null where `start` / `end` replaced it. All three endpoints, at the API
// path and at the old service's paths, by GET and by POST.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('rwin-');
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 3000, 21);
  engine = await Engine.open(db);
  app = await buildApp({ engine: () => engine });
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

const ENDPOINTS = { 'blog-views': 'month', top: 'all', performance: 'all' } as const;
type Name = keyof typeof ENDPOINTS;
const NAMES = Object.keys(ENDPOINTS) as Name[];
const PATHS = (name: Name) => [`/api/v1/analytics/${name}`, `/analytics/${name}/`, `/analytics/${name}`];
/** ISO 8601 in UTC, as Date#toISOString writes it, with microseconds where there are some. */
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\d{3})?Z$/;
const DAY = 86_400_000;

/** The members as a GET query string and as a POST body, at each path. */
async function asked(name: Name, members: Record<string, string>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const url of PATHS(name)) {
    for (const res of [
      await app.inject({ url: `${url}?${new URLSearchParams(members).toString()}` }),
      await app.inject({ method: 'POST', url, payload: members }),
    ]) {
      expect(res.statusCode, `${url} ${res.body}`).toBe(200);
      out.push(res.json() as Record<string, unknown>);
    }
  }
  return out;
}

describe('window: ISO 8601 UTC instants', () => {
  const AS_OF = '2026-09-15T12:00:00Z';

  it('meta writes its instants in the same form', async () => {
    const meta = (await app.inject({ url: '/api/v1/meta' })).json() as { snapshot: Record<string, string> };
    for (const k of ['loaded_at', 'first_viewed_at', 'last_viewed_at']) expect(meta.snapshot[k], k).toMatch(ISO_Z);
  });

  for (const name of NAMES) {
    it(`${name}: a rolling range reads back as the instants it covered`, async () => {
      for (const body of await asked(name, { range: 'week', as_of: AS_OF })) {
        expect(body['window']).toEqual({ start: '2026-09-08T12:00:00.000Z', end: '2026-09-15T12:00:00.000Z' });
      }
      for (const body of await asked(name, { range: 'all', as_of: '2026-09-15T14:00:00+02:00' })) {
        expect(body['window']).toEqual({ start: null, end: '2026-09-15T12:00:00.000Z' });
      }
    });

    it(`${name}: microseconds are kept; a date in a zone is its UTC instant`, async () => {
      for (const body of await asked(name, { range: 'day', as_of: '2026-09-15T12:00:00.123456Z' })) {
        expect(body['window']).toEqual({ start: '2026-09-14T12:00:00.123456Z', end: '2026-09-15T12:00:00.123456Z' });
      }
      for (const body of await asked(name, { start: '2026-05-01', end: '2026-06-01T00:00:00.000500Z', tz: 'Europe/Berlin', as_of: AS_OF })) {
        const w = body['window'] as { start: string; end: string };
        expect(w).toEqual({ start: '2026-04-30T22:00:00.000Z', end: '2026-06-01T00:00:00.000500Z' });
        // What a client does with it: Date reads the right instant, whatever its own zone.
        expect(new Date(w.start).getTime()).toBe(Date.UTC(2026, 3, 30, 22));
      }
    });

    it(`${name}: without as_of, the window ends at the server clock, in the same form`, async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      for (const body of await asked(name, { range: 'year' })) {
        const w = body['window'] as { start: string; end: string };
        expect(w.start).toMatch(ISO_Z);
        expect(w.end).toMatch(ISO_Z);
        expect(Date.parse(w.end) - Date.parse(w.start)).toBe(365 * DAY);
        expect(Date.parse(w.end)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(w.end)).toBeLessThanOrEqual(Date.now());
      }
    });
  }
});

describe('range: what was applied', () => {
  for (const name of NAMES) {
    it(`${name}: the range given, or the default`, async () => {
      for (const body of await asked(name, { range: 'week', as_of: '2026-09-15T12:00:00Z' })) expect(body['range']).toBe('week');
      for (const body of await asked(name, { as_of: '2026-09-15T12:00:00Z' })) expect(body['range']).toBe(ENDPOINTS[name]);
    });

    it(`${name}: null where start / end replaced it (given or not)`, async () => {
      const explicit: Record<string, string>[] = [
        { range: 'day', start: '2026-05-01', end: '2026-06-01' },
        { start: '2026-05-01', end: '2026-06-01' },
        { range: 'week', start: '2026-05-01' },
        { end: '2026-06-01T00:00:00Z' },
      ];
      for (const members of explicit) {
        for (const body of await asked(name, { ...members, as_of: '2026-09-15T12:00:00Z' })) {
          expect(body['range'], JSON.stringify(members)).toBeNull();
          expect(body).toHaveProperty('range');
        }
      }
    });
  }

  it('blog-views: the page links repeat the request as given (range and start alike)', async () => {
    const res = await app.inject({ url: '/analytics/blog-views/?range=day&start=2025-01-01&end=2026-06-01&object_type=user&limit=2&as_of=2026-09-15T12:00:00Z' });
    const body = res.json() as { range: unknown; next: string };
    expect(body.range).toBeNull();
    const next = (await app.inject({ url: body.next })).json() as { range: unknown; window: unknown };
    expect(next.range).toBeNull();
    expect(next.window).toEqual({ start: '2025-01-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z' });
  });
});
