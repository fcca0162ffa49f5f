// The datasets' endpoints: the blog's three fixed ones at /api/v1/analytics/<name> and at
// the old service's /analytics/<name>/ (with and without the slash), and each dataset's
// query endpoint at /api/v1/<dataset>/query; by GET (query string, or a JSON body as the old
// documentation shows) and POST (JSON body). Request members -> zod -> the endpoint's
// question (engine) -> plan -> engine -> the endpoint's answer -> format; no SQL here, and
// no knowledge of any dataset beyond the endpoint objects the engine exports.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BLOG_ENDPOINTS, DATASET_ENDPOINTS, QueryError, prepareRequest, queryEndpoint } from '../../engine/index.ts';
import type { AnyEndpoint, BlogEndpointName, Common, DatasetDef, Engine, PlanResult, QuerySpec, RangeName, TimeWindow } from '../../engine/index.ts';
import { chooseFormat, sendRows } from '../format.ts';
import { readGetBody } from '../get-body.ts';
import { ALWAYS, analyticsRouteSchema } from '../openapi.ts';
import type { ComponentName } from '../openapi.ts';
import { isoFromEpoch, isoWindow } from '../iso-instant.ts';

/** The path and query of the same request with another offset. */
function pageLink(request: FastifyRequest, members: Record<string, unknown>, offset: number, limit: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(members)) {
    if (k === 'offset' || k === 'limit' || v === undefined) continue;
    q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  q.set('limit', String(limit));
  q.set('offset', String(offset));
  return `${request.url.split('?')[0]}?${q.toString()}`;
}

async function members(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body = request.method === 'GET' ? await readGetBody(request, request.server.initialConfig.bodyLimit ?? 1 << 20) : request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body)))
    throw new QueryError('invalid_parameter', 'the request body must be a JSON object', [{ path: '', message: 'expected a JSON object' }]);
  // Path parameters (`/customers/:id`) are members too, validated with the others.
  return { ...(request.query as Record<string, unknown>), ...((body as Record<string, unknown> | undefined) ?? {}), ...(request.params as Record<string, unknown> | undefined) };
}

/** The server clock as the default `as_of`, to the whole second: within a second, repeated
 *  requests are the same question (and the result cache can answer them). */
const nowToTheSecond = () => Math.floor(Date.now() / 1000) * 1000;

/** The blog question a fixed endpoint's request members ask, as the endpoint would build
 *  it (for the benchmark's engine-only and SQL-floor measurements). */
export function specFor(name: BlogEndpointName, given: Record<string, unknown>, engine: Engine, now = nowToTheSecond()): QuerySpec {
  return prepareRequest(BLOG_ENDPOINTS[name] as AnyEndpoint, given, engine, now).question as QuerySpec;
}

/** JSON texts of answers, per answer object (the result cache hands out the same one). */
const jsonTexts = new WeakMap<PlanResult, Map<string, string>>();

function register(app: FastifyInstance, engine: () => Engine, e: AnyEndpoint, label: string, paths: readonly (readonly [url: string, suffix: string])[], timeoutMs: number): void {
  const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const given = await members(request);
    const eng = engine();
    const now = nowToTheSecond();
    const { input, range, question, window } = prepareRequest(e, given, eng, now) as { input: Common; range: RangeName | null; question: unknown; window: TimeWindow };
    // Page links pin "now": without an as_of of its own, a rolling window would move between
    // one page and the next (rows repeated or skipped), so the links carry the instant this
    // answer was computed for. A given as_of is kept as given.
    const pinned = input.as_of === undefined ? { ...given, as_of: isoFromEpoch(now) } : given;
    const link = (offset: number, limit: number) => pageLink(request, pinned, offset, limit);
    const noCache = /no-cache|no-store/.test(String(request.headers['cache-control'] ?? ''));
    const t0 = globalThis.performance.now();
    const plan = e.plan(question);
    // At debug level: tests of shutdown wait for this line to know a query is under way.
    request.log.debug({ kind: plan.kind }, 'query started');
    const result = await eng.run(plan, { noCache, timeoutMs, label });
    // The engine's share of the request (cache lookup included), for clients and the
    // benchmark to tell it from the HTTP part.
    void reply.header('server-timing', `engine;dur=${(globalThis.performance.now() - t0).toFixed(2)}`);
    const format = chooseFormat(request, input.format);
    if (format === 'json') {
      // A cached answer comes back as the same object: its JSON text for the same request
      // (path, members: they shape the page links) is kept beside it and sent again.
      const key = JSON.stringify([request.url, pinned]);
      let texts = jsonTexts.get(result);
      let text = texts?.get(key);
      if (text === undefined) {
        text = JSON.stringify({ ...e.answer(input, range, question, result, link).body, window: isoWindow(window) });
        if (!texts) jsonTexts.set(result, (texts = new Map()));
        // A few wordings per answer, the oldest making way (links pin the second of asking).
        if (texts.size >= 8) texts.delete(texts.keys().next().value!);
        texts.set(key, text);
      }
      return reply.type('application/json; charset=utf-8').send(text);
    }
    const answer = e.answer(input, range, question, result, link);
    return await sendRows(reply, format, answer.columns, answer.data, { filename: e.filename(input, window), links: answer.links });
  };
  const errors = [400, 401, ...(e.notFound ? [404 as const] : []), 413, ...ALWAYS, 504] as const;
  for (const [url, suffix] of paths) {
    const deprecated = suffix !== '';
    const summary = deprecated ? `${e.summary} (the old service's path; use ${paths[0]![0]})` : e.summary;
    const pathParams = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const schema = analyticsRouteSchema(e.schema, { operationId: `${e.operation}${suffix}`, summary, deprecated }, e.answerSchema as ComponentName, errors, pathParams);
    app.route({ method: 'GET', url, schema: schema.get, handler });
    app.route({ method: 'POST', url, schema: schema.post, handler });
  }
}

/** The blog's fixed endpoints and every dataset's query endpoint. `engine(name)` is the
 *  open engine of a dataset. */
export function analyticsRoutes(app: FastifyInstance, datasets: readonly DatasetDef[], engine: (dataset: string) => Engine, timeoutMs: number): void {
  for (const e of Object.values(BLOG_ENDPOINTS) as AnyEndpoint[]) {
    // The old service's paths are documented too, as deprecated: the /api/v1 ones are the same.
    const paths = [[`/api/v1/analytics/${e.name}`, ''], [`/analytics/${e.name}/`, 'Legacy'], [`/analytics/${e.name}`, 'LegacyNoSlash']] as const;
    register(app, () => engine('blog'), e, e.name, paths, timeoutMs);
  }
  for (const ds of datasets) {
    register(app, () => engine(ds.name), queryEndpoint(ds), `${ds.name}-query`, [[`/api/v1/${ds.name}/query`, '']], timeoutMs);
    const fixed = Object.hasOwn(DATASET_ENDPOINTS, ds.name) ? DATASET_ENDPOINTS[ds.name]! : {};
    for (const [path, e] of Object.entries(fixed)) {
      const url = path === '' ? `/api/v1/${ds.name}` : `/api/v1/${ds.name}/${path}`;
      register(app, () => engine(ds.name), e, `${ds.name}-${e.name}`, [[url, '']], timeoutMs);
    }
  }
}
