// The OpenAPI document is whole and true: every $ref resolves to a component (none to the
// document root), every operation has a unique operationId and documents its 200 and its
// refusals (with the Error component), every route Fastify serves is in it (but the hidden
// utilities: /openapi.json, /docs and its assets, /metrics, and the page at / and /assets/), and real
// answers of the app validate against the documented 200 schemas (ajv, the validator
// Fastify itself uses), as real refusals do against Error.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { generatedSnapshot, STEADY_LIMITS, tempDir } from './helpers.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
const TOKEN = 'openapi-token-0123456789';
const dir = tempDir('openapi-');
let engine: Engine;
let app: FastifyInstance;
type Json = Record<string, unknown>;
type Operation = { operationId?: string; deprecated?: boolean; responses: Record<string, { content?: Record<string, { schema: Json }> }> };
let doc: { info: { version: string }; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };

// The page's /assets/* is printed by Fastify's route tree (commonPrefix: false) as `*` right
// under `/`, so read here as /*; that no real /* route hides behind it is checked below.
const HIDDEN = (path: string) => path === '/' || path === '/*' || path === '/openapi.json' || path === '/metrics' || path === '/docs' || path.startsWith('/docs/');

beforeAll(async () => {
  const { db } = await generatedSnapshot(dir.path, 20_000, 9);
  engine = await Engine.open(db);
  app = await buildApp({ engine: () => engine, debugToken: TOKEN, reload: async () => engine.meta, limits: STEADY_LIMITS });
  doc = (await app.inject({ url: '/openapi.json' })).json();
});
afterAll(async () => {
  await app?.close();
  engine?.close();
  dir.cleanup();
});

function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref') out.push(String(v));
      else refsOf(v, out);
    }
  return out;
}

const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

/** A validator of the documented JSON answer of `status` at `method path`. */
function validator(path: string, method: string, status: number) {
  const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `${method} ${path} ${status}`).toBeDefined();
  // OpenAPI's schema dialect (nullable, example) on top of JSON Schema: ajv knows nullable.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile({ ...schema, components: doc.components });
}

async function check(method: 'GET' | 'POST', url: string, path: string, status = 200, payload?: object, headers: Record<string, string> = {}) {
  const r = await app.inject({ method, url, ...(payload ? { payload } : {}), headers });
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(status);
  const validate = validator(path, method.toLowerCase(), status);
  const body = r.json() as unknown;
  expect(validate(body) ? [] : validate.errors, `${method} ${url}`).toEqual([]);
  return body as Json;
}

describe('the OpenAPI document', () => {
  it('carries the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
  });

  it('has every $ref resolve to a component, none to the root', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\/components\/schemas\/[A-Za-z]+$/);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    // The recursive filter is a component referring to itself.
    expect(refsOf(doc.components.schemas['Filter'])).toContain('#/components/schemas/Filter');
  });

  it('gives every operation a unique operationId, a 200 and Error refusals', () => {
    const ops = operations();
    const ids = ops.map(({ op }) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of ops) {
      const where = `${method} ${path}`;
      expect(op.responses['200'], where).toBeDefined();
      const refusals = Object.keys(op.responses).filter((s) => s !== '200');
      expect(refusals, where).toEqual(expect.arrayContaining(['429', '503']));
      for (const s of refusals) expect(op.responses[s]!.content?.['application/json']?.schema, `${where} ${s}`).toEqual({ $ref: '#/components/schemas/Error' });
    }
    for (const name of ['blog-views', 'top', 'performance'])
      for (const method of ['get', 'post']) {
        expect(Object.keys(doc.paths[`/api/v1/analytics/${name}`]![method]!.responses)).toEqual(expect.arrayContaining(['400', '413', '504']));
        // The old service's paths are there, deprecated.
        expect(doc.paths[`/analytics/${name}/`]![method]!.deprecated).toBe(true);
        expect(doc.paths[`/analytics/${name}`]![method]!.deprecated).toBe(true);
        expect(doc.paths[`/api/v1/analytics/${name}`]![method]!.deprecated).toBeUndefined();
      }
  });

  it('documents integers as integers with bounds and defaults, instants as date-time', () => {
    const params = (doc.paths['/api/v1/analytics/blog-views']!['get'] as unknown as { parameters: { name: string; schema: Json; example?: string }[] }).parameters;
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(byName['limit']!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(byName['offset']!.schema).toMatchObject({ type: 'integer', minimum: 0, default: 0 });
    for (const k of ['start', 'end', 'as_of']) {
      expect(byName[k]!.schema['format'], k).toBe('date-time');
      expect(Number.isNaN(Date.parse(byName[k]!.example!)), k).toBe(false);
    }
  });

  it('lists every route the app serves, but the hidden utilities', () => {
    // Fastify's route tree, full paths: "/api/v1/meta (GET, HEAD)".
    // A tree, four columns an indent, each line a segment after its parent's path.
    const tree = app.printRoutes({ commonPrefix: false });
    const served = new Set<string>();
    const stack: string[] = [];
    for (const line of tree.split('\n')) {
      const m = /^([\s│├└─]*)(\S+) \(([^)]+)\)$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      stack.length = depth;
      const path = (stack.at(-1) ?? '') + m[2]!;
      stack.push(path);
      // A path parameter (`:id`) is `{id}` in OpenAPI.
      const documentedAs = path.replace(/:(\w+)/g, '{$1}');
      for (const method of m[3]!.split(', ')) if (method !== 'HEAD' && method !== 'OPTIONS' && !HIDDEN(path)) served.add(`${method.toLowerCase()} ${documentedAs}`);
    }
    expect(app.hasRoute({ method: 'GET', url: '/assets/*' })).toBe(true);
    expect(app.hasRoute({ method: 'GET', url: '/*' })).toBe(false);
    const documented = new Set(operations().map(({ path, method }) => `${method} ${path}`));
    expect(served.size).toBeGreaterThan(15);
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
  });
});

describe('real answers match the documented schemas', () => {
  it('analytics, by GET and POST, at both paths', async () => {
    const asOf = '2026-10-20T00:00:00Z';
    const bv = await check('GET', `/api/v1/analytics/blog-views?object_type=user&range=year&limit=5&as_of=${asOf}`, '/api/v1/analytics/blog-views');
    expect((bv['data'] as unknown[]).length).toBe(5);
    await check('GET', `/api/v1/analytics/blog-views?start=2026-01-01&end=2026-03-01&as_of=${asOf}`, '/api/v1/analytics/blog-views');
    await check('POST', '/analytics/blog-views/', '/analytics/blog-views/', 200, { range: 'all', filters: { field: 'country__code', op: 'in', value: ['USA', 'GBR'] } });
    for (const top of ['user', 'country', 'blog']) {
      const t = await check('GET', `/api/v1/analytics/top?top=${top}`, '/api/v1/analytics/top');
      expect((t['data'] as unknown[]).length).toBeGreaterThan(0);
    }
    await check('POST', '/analytics/top', '/analytics/top', 200, { top: 'blog', limit: 3 });
    const p = await check('GET', '/api/v1/analytics/performance?compare=week&tz=America/New_York', '/api/v1/analytics/performance');
    expect((p['data'] as unknown[]).length).toBeGreaterThan(50);
    await check('POST', '/api/v1/analytics/performance', '/api/v1/analytics/performance', 200, { compare: 'day', user_id: 1, range: 'month', as_of: asOf });
  });

  it('the query endpoint, datasets and a dataset\'s meta', async () => {
    const q = await check('POST', '/api/v1/blog/query', '/api/v1/blog/query', 200, { measures: ['views', 'views_per_viewer', 'avg_duration'], dimensions: ['country__name', 'blog__created_at'], limit: 4 });
    expect((q['data'] as unknown[]).length).toBe(4);
    const s = await check('GET', `/api/v1/blog/query?measures=views,blogs&time=${encodeURIComponent('{"granularity":"week","fill":true,"compare":"previous"}')}&tz=Asia/Kolkata`, '/api/v1/blog/query');
    expect((s['columns'] as { name: string }[]).map((c) => c.name)).toEqual(['period', 'views', 'views_previous', 'views_growth', 'blogs', 'blogs_previous', 'blogs_growth']);
    const d = await check('GET', '/api/v1/datasets', '/api/v1/datasets');
    expect((d['datasets'] as { name: string; available: boolean }[]).map((x) => [x.name, x.available])).toEqual([['blog', true], ['marketplace', false], ['members', false]]);
    // A dataset with no snapshot: 503, in the documented Error shape.
    await check('POST', '/api/v1/marketplace/query', '/api/v1/marketplace/query', 503, { measures: ['revenue'] });
    const m = await check('GET', '/api/v1/meta?dataset=blog', '/api/v1/meta');
    expect((m['measures'] as { name: string }[]).map((x) => x.name)).toContain('views_per_viewer');
    expect((m['dimensions'] as { path: string }[]).map((x) => x.path)).toContain('blog__author__display_name');
    await check('GET', '/api/v1/meta?dataset=shop', '/api/v1/meta', 400);
    await check('POST', '/api/v1/blog/query', '/api/v1/blog/query', 400, { measures: ['viewz'] });
  });

  it('meta, health, ready, debug SQL, reload', async () => {
    await check('GET', '/api/v1/meta', '/api/v1/meta');
    await check('GET', '/health', '/health');
    await check('GET', '/ready', '/ready');
    const auth = { authorization: `Bearer ${TOKEN}` };
    await check('POST', '/api/v1/debug/sql', '/api/v1/debug/sql', 200, { sql: 'SELECT id, title, created_at FROM blog ORDER BY id LIMIT 3' }, auth);
    await check('POST', '/api/v1/admin/reload', '/api/v1/admin/reload', 200, {}, auth);
  });

  it('refusals: 400, 401, 404 as the Error component', async () => {
    await check('GET', '/api/v1/analytics/blog-views?limit=0', '/api/v1/analytics/blog-views', 400);
    await check('POST', '/api/v1/analytics/top', '/api/v1/analytics/top', 400, { filters: { field: 'nope', op: 'eq', value: 1 } });
    await check('GET', '/api/v1/analytics/performance?user_id=999999999', '/api/v1/analytics/performance', 404);
    await check('POST', '/api/v1/debug/sql', '/api/v1/debug/sql', 401, { sql: 'SELECT 1' });
  });
});
