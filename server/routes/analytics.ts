// The three analytics endpoints, at /api/v1/analytics/<name> and at the old service's
// /analytics/<name>/ (with and without the slash), by GET (query string, or a JSON body as
// the old documentation shows) and POST (JSON body). Request members -> zod -> query spec
// -> engine -> response shape; no SQL here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AnalyticsResult, Engine, GroupRow, SeriesRow } from '../../engine/engine.ts';
import { QueryError } from '../../engine/errors.ts';
import { resolveWindow } from '../../engine/query/window.ts';
import type { QuerySpec, RangeName, TimeWindow } from '../../engine/query/spec.ts';
import { BlogViewsParams, PerformanceParams, TopParams, validate } from '../analytics-params.ts';
import type { BlogViewsInput, PerformanceInput, TopInput } from '../analytics-params.ts';
import { chooseFormat, sendRows } from '../format.ts';
import { readGetBody } from '../get-body.ts';
import type { Columns } from '../format.ts';
import { ALWAYS, analyticsRouteSchema } from '../openapi.ts';
import type { ComponentName } from '../openapi.ts';
import { isoFromEpoch, isoWindow } from '../iso-instant.ts';

interface Answer {
  readonly body: Record<string, unknown>;
  readonly columns: Columns;
  readonly data: readonly Record<string, unknown>[];
  /** The neighbouring pages (paged endpoints), as the JSON body's next / previous. */
  readonly links?: { readonly next: string | null; readonly previous: string | null };
}

interface Common {
  range?: RangeName | undefined;
  start?: string | undefined;
  end?: string | undefined;
  as_of?: string | undefined;
  tz: string;
  filters?: unknown;
  format?: 'json' | 'csv' | 'arrow' | undefined;
}

interface Endpoint<I extends Common> {
  readonly name: string;
  /** OpenAPI: the operationIds' stem and the 200 answer's component. */
  readonly operation: string;
  readonly answerSchema: ComponentName;
  /** OpenAPI: statuses beyond 400 (every endpoint's parameters), 401, 413 (a body), 504. */
  readonly notFound?: boolean;
  readonly summary: string;
  readonly schema: z.ZodType<I>;
  readonly defaultRange: RangeName;
  /** The download's name, without the extension (CSV and Arrow answers). */
  filename(input: I, window: TimeWindow): string;
  spec(input: I, window: TimeWindow, engine: Engine): QuerySpec;
  /** `range` is the range applied (null where `start` / `end` replaced it); `members` are
   *  the request's, with `as_of` pinned, for page links. */
  answer(input: I, range: RangeName | null, result: AnalyticsResult, request: FastifyRequest, members: Record<string, unknown>): Answer;
}

const GROUP_COLUMNS: Columns = [['id', 'int'], ['x', 'string'], ['y', 'int'], ['z', 'int']];

function grouped(result: AnalyticsResult): { total: number; rows: GroupRow[] } {
  if (result.kind !== 'grouped') throw new Error(`expected a grouped result, got ${result.kind}`);
  return result;
}

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

const blogViews: Endpoint<BlogViewsInput> = {
  name: 'blog-views',
  operation: 'BlogViews',
  answerSchema: 'BlogViewsAnswer',
  summary: 'Blogs and views grouped by the viewer\'s country or by the viewer',
  schema: BlogViewsParams,
  defaultRange: 'month',
  // The window's last day (its end is exclusive: the day the window reaches into).
  filename: (i, window) => `blog-views-${i.object_type}-${isoWindow(window).end.slice(0, 10)}`,
  spec: (i, window, engine) => ({ kind: 'blog-views', objectType: i.object_type, window, filter: engine.parseFilter(i.filters), limit: i.limit, offset: i.offset }),
  answer(i, range, result, request, members) {
    const { total, rows } = grouped(result);
    const next = i.offset + i.limit < total ? pageLink(request, members, i.offset + i.limit, i.limit) : null;
    const previous = i.offset > 0 ? pageLink(request, members, Math.max(0, i.offset - i.limit), i.limit) : null;
    return {
      body: { object_type: i.object_type, range, count: total, limit: i.limit, offset: i.offset, next, previous, data: rows },
      columns: GROUP_COLUMNS,
      data: rows,
      links: { next, previous },
    };
  },
};

const top: Endpoint<TopInput> = {
  name: 'top',
  operation: 'Top',
  answerSchema: 'TopAnswer',
  summary: 'The top authors, viewer countries or blogs by views',
  schema: TopParams,
  defaultRange: 'all',
  filename: (i) => `top-${i.top}`,
  spec: (i, window, engine) => ({ kind: 'top', topType: i.top, window, filter: engine.parseFilter(i.filters), limit: i.limit }),
  answer(i, range, result) {
    const { rows } = grouped(result);
    const columns: Columns = i.top === 'blog' ? [['id', 'int'], ['x', 'string'], ['y', 'string'], ['z', 'int']] : GROUP_COLUMNS;
    return { body: { top_type: i.top, range, data: rows }, columns, data: rows };
  },
};

const performance: Endpoint<PerformanceInput> = {
  name: 'performance',
  operation: 'Performance',
  answerSchema: 'PerformanceAnswer',
  notFound: true,
  summary: 'Views and new blogs per calendar period, with growth over the period before',
  schema: PerformanceParams,
  defaultRange: 'all',
  filename: (i) => (i.user_id === undefined ? `performance-${i.compare}` : `performance-${i.compare}-user-${i.user_id}`),
  spec: (i, window, engine) => ({ kind: 'performance', compare: i.compare, userId: i.user_id ?? null, window, tz: i.tz, filter: engine.parseFilter(i.filters) }),
  answer(i, range, result) {
    if (result.kind !== 'series') throw new Error(`expected a series, got ${result.kind}`);
    // The old service's x / y / z beside the named fields.
    const data = result.rows.map((r: SeriesRow) => ({ ...r, x: `${r.label} (${r.blogs} blogs)`, y: r.views, z: r.growth }));
    const columns: Columns = [['period', 'string'], ['label', 'string'], ['blogs', 'int'], ['views', 'int'], ['growth', 'float'], ['x', 'string'], ['y', 'int'], ['z', 'float']];
    return { body: { compare: i.compare, user_id: i.user_id ?? null, range, data }, columns, data };
  },
};

async function members(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body = request.method === 'GET' ? await readGetBody(request, request.server.initialConfig.bodyLimit ?? 1 << 20) : request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body)))
    throw new QueryError('invalid_parameter', 'the request body must be a JSON object', [{ path: '', message: 'expected a JSON object' }]);
  return { ...(request.query as Record<string, unknown>), ...((body as Record<string, unknown> | undefined) ?? {}) };
}

/** The server clock as the default `as_of`, to the whole second: within a second, repeated
 *  requests are the same question (and the result cache can answer them). */
const nowToTheSecond = () => Math.floor(Date.now() / 1000) * 1000;

function prepare<I extends Common>(e: Endpoint<I>, given: Record<string, unknown>, engine: Engine, now: number) {
  const input = validate(e.schema, given) as I;
  const range = input.range ?? e.defaultRange;
  const window = resolveWindow({ range, start: input.start, end: input.end, asOf: input.as_of, tz: input.tz, now });
  // An explicit window replaces the range (spec section 2): the answer echoes what was
  // applied, null, rather than a range that played no part.
  const applied = input.start !== undefined || input.end !== undefined ? null : range;
  return { input, range: applied, spec: e.spec(input, window, engine), window };
}

const ENDPOINTS = { 'blog-views': blogViews, top, performance } as const;
export type EndpointName = keyof typeof ENDPOINTS;

/** The query spec a request's members ask for, as the endpoint would build it (for the
 *  benchmark's engine-only and SQL-floor measurements). */
export function specFor(name: EndpointName, given: Record<string, unknown>, engine: Engine, now = nowToTheSecond()): QuerySpec {
  return prepare(ENDPOINTS[name] as Endpoint<Common>, given, engine, now).spec;
}

/** JSON texts of answers, per answer object (the result cache hands out the same one). */
const jsonTexts = new WeakMap<AnalyticsResult, Map<string, string>>();

function register<I extends Common>(app: FastifyInstance, engine: () => Engine, e: Endpoint<I>, timeoutMs: number): void {
  const handler = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const given = await members(request);
    const eng = engine();
    const now = nowToTheSecond();
    const { input, range, spec, window } = prepare(e, given, eng, now);
    // Page links pin "now": without an as_of of its own, a rolling window would move between
    // one page and the next (rows repeated or skipped), so the links carry the instant this
    // answer was computed for. A given as_of is kept as given.
    const pinned = input.as_of === undefined ? { ...given, as_of: isoFromEpoch(now) } : given;
    const noCache = /no-cache|no-store/.test(String(request.headers['cache-control'] ?? ''));
    const t0 = globalThis.performance.now();
    // At debug level: tests of shutdown wait for this line to know a query is under way.
    request.log.debug({ kind: spec.kind }, 'query started');
    const result = await eng.run(spec, { noCache, timeoutMs });
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
        text = JSON.stringify({ ...e.answer(input, range, result, request, pinned).body, window: isoWindow(window) });
        if (!texts) jsonTexts.set(result, (texts = new Map()));
        // A few wordings per answer, the oldest making way (links pin the second of asking).
        if (texts.size >= 8) texts.delete(texts.keys().next().value!);
        texts.set(key, text);
      }
      return reply.type('application/json; charset=utf-8').send(text);
    }
    const answer = e.answer(input, range, result, request, pinned);
    return await sendRows(reply, format, answer.columns, answer.data, { filename: e.filename(input, window), links: answer.links });
  };
  // The old service's paths are documented too, as deprecated: the /api/v1 ones are the same.
  const paths: [url: string, suffix: string][] = [[`/api/v1/analytics/${e.name}`, ''], [`/analytics/${e.name}/`, 'Legacy'], [`/analytics/${e.name}`, 'LegacyNoSlash']];
  const errors = [400, 401, ...(e.notFound ? [404 as const] : []), 413, ...ALWAYS, 504] as const;
  for (const [url, suffix] of paths) {
    const deprecated = suffix !== '';
    const summary = deprecated ? `${e.summary} (the old service's path; use /api/v1/analytics/${e.name})` : e.summary;
    const schema = analyticsRouteSchema(e.schema, { operationId: `${e.operation}${suffix}`, summary, deprecated }, e.answerSchema, errors);
    app.route({ method: 'GET', url, schema: schema.get, handler });
    app.route({ method: 'POST', url, schema: schema.post, handler });
  }
}

export function analyticsRoutes(app: FastifyInstance, engine: () => Engine, timeoutMs: number): void {
  for (const e of Object.values(ENDPOINTS)) register(app, engine, e as Endpoint<Common>, timeoutMs);
}
