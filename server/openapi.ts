// OpenAPI from the same zod schemas that validate requests and describe answers
// (z.toJSONSchema), served by @fastify/swagger at /openapi.json and Swagger UI at /docs.
// Shared shapes (the recursive filter, the answers, the error) are named components,
// referenced as #/components/schemas/<name>. Validation itself stays with zod
// (analytics-params.ts), and answers are written as they are built, so Fastify's own
// validator and serializer are switched off for these schemas: they are documentation.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { FilterSchema, LeafSchema } from '../engine/index.ts';
import { ARROW_TYPE } from '../engine/index.ts';
import * as answers from './answer-schemas.ts';
import * as market from './market-answer-schemas.ts';
import * as members from './member-answer-schemas.ts';
import { ACTIVITY_ANSWERS } from './activity-answer-schemas.ts';
import { integerBounds } from '../engine/index.ts';
import { packageInfo } from './package-info.ts';

const FILTER_EXAMPLE = {
  operator: 'and',
  conditions: [
    { field: 'country__code', operator: 'in', value: ['USA', 'GBR'] },
    { not: { field: 'blog__title', op: 'contains', value: '50%' } },
  ],
};

type Json = Record<string, unknown>;

/** The named components, by their names in the document. */
const registry = z.registry<{ id: string }>();
const COMPONENTS = {
  Filter: FilterSchema,
  FilterCondition: LeafSchema,
  Error: answers.ErrorAnswer,
  Window: answers.Window,
  GroupRow: answers.GroupRow,
  BlogViewsAnswer: answers.BlogViewsAnswer,
  TopAnswer: answers.TopAnswer,
  PerformanceRow: answers.PerformanceRow,
  PerformanceAnswer: answers.PerformanceAnswer,
  Meta: answers.Meta,
  DatasetsAnswer: answers.DatasetsAnswer,
  MarketplaceSummaryAnswer: market.MarketplaceSummaryAnswer,
  MarketplaceRevenueAnswer: market.MarketplaceRevenueAnswer,
  MarketplaceTopProductsAnswer: market.MarketplaceTopProductsAnswer,
  MarketplaceCategoriesAnswer: market.MarketplaceCategoriesAnswer,
  MarketplaceProductsAnswer: market.MarketplaceProductsAnswer,
  MarketplaceCustomersAnswer: market.MarketplaceCustomersAnswer,
  MarketplaceCustomerAnswer: market.MarketplaceCustomerAnswer,
  MarketplaceOrdersAnswer: market.MarketplaceOrdersAnswer,
  MarketplaceAlsoBoughtAnswer: market.MarketplaceAlsoBoughtAnswer,
  MarketplaceCohortsAnswer: market.MarketplaceCohortsAnswer,
  MembersAnswer: members.MembersAnswer,
  MemberAnswer: members.MemberAnswer,
  ...ACTIVITY_ANSWERS,
  FetchAnswer: members.FetchAnswer,
  QueryAnswer: answers.QueryAnswer,
  DebugSqlAnswer: answers.DebugSqlAnswer,
  ReloadAnswer: answers.ReloadAnswer,
  HealthAnswer: answers.HealthAnswer,
  ReadyAnswer: answers.ReadyAnswer,
} as const satisfies Record<string, z.ZodType>;
export type ComponentName = keyof typeof COMPONENTS;
for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });

const uri = (id: string) => `#/components/schemas/${id}`;

/** Integers that arrive as text in a query string are documented as the integers they are. */
function override(ctx: { zodSchema: unknown; jsonSchema: Json }): void {
  const def = (ctx.zodSchema as { _zod: { def: { type: string; innerType?: unknown; defaultValue?: unknown } } })._zod.def;
  // zod leaves out the default of a value it transforms (the default is of the output type).
  const withDefault = def.type === 'default';
  const bounds = integerBounds(withDefault ? def.innerType : ctx.zodSchema);
  if (!bounds) return;
  delete ctx.jsonSchema['anyOf'];
  Object.assign(ctx.jsonSchema, { type: 'integer', minimum: bounds.min, maximum: bounds.max }, withDefault ? { default: def.defaultValue } : {});
}

const OPTIONS = { io: 'input', unrepresentable: 'any', uri, override } as const;

function clean(j: Json): Json {
  delete j['$schema'];
  delete j['$id'];
  return j;
}

/** components.schemas: every named shape, referring to the others by #/components/schemas/. */
export function componentSchemas(): Record<string, Json> {
  const out = z.toJSONSchema(registry, OPTIONS as never) as unknown as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(out.schemas).map(([k, v]) => [k, clean(v)]));
}

/** A schema that is not a component, its named parts as references. */
const toJson = (schema: z.ZodType): Json => clean(z.toJSONSchema(schema, { ...OPTIONS, metadata: registry } as never) as Json);

export const ref = (name: ComponentName): Json => ({ $ref: uri(name) });

const ERROR_WHEN: Record<number, string> = {
  400: 'a bad parameter, filter, window or body',
  401: 'no valid API key (with keys on) or bearer token',
  404: 'no such route or object',
  413: 'the request body (or, for debug SQL, the answer) is too large',
  429: 'over the rate limit (Retry-After says when to retry)',
  503: 'no snapshot loaded, overloaded, or shutting down (Retry-After where known)',
  504: 'the query ran past its time limit',
};

/** The documented answers of a route: its 200 (JSON, and where given CSV and Arrow
 *  downloads) and the Error component for each refusal status it may give. */
export function responses(ok: ComponentName, errors: readonly (keyof typeof ERROR_WHEN)[], downloads = false): Json {
  const content: Json = { 'application/json': { schema: ref(ok) } };
  if (downloads) {
    const file = { schema: { type: 'string', format: 'binary' } };
    Object.assign(content, { 'text/csv': file, [ARROW_TYPE]: file });
  }
  const out: Json = { 200: { description: downloads ? 'the answer; CSV and Arrow as downloads (Content-Disposition, Link for pages)' : 'the answer', content } };
  for (const status of errors) out[status] = { description: ERROR_WHEN[status], content: { 'application/json': { schema: ref('Error') } } };
  return out;
}

/** Statuses every route may answer with, whatever it does (rate limit, load shedding). */
export const ALWAYS = [429, 503] as const;

const instantParams = new Set(['start', 'end', 'as_of']);

export interface RouteDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly deprecated: boolean;
}

/** `pathParams`: members that arrive in the path (`/customers/:id`), documented there. */
export function analyticsRouteSchema(schema: z.ZodType, doc: RouteDoc, ok: ComponentName, errors: readonly (keyof typeof ERROR_WHEN)[], pathParams: readonly string[] = []): { get: Json; post: Json } {
  const whole = toJson(schema);
  const all = { ...(whole['properties'] as Record<string, Json>) };
  const inPath = Object.fromEntries(pathParams.map((k) => [k, all[k] ?? { type: 'string' }]));
  for (const k of pathParams) delete all[k];
  const required = Array.isArray(whole['required']) ? (whole['required'] as string[]).filter((k) => !pathParams.includes(k)) : undefined;
  const base = { ...whole, properties: all, ...(required === undefined ? {} : { required }) };
  if (required?.length === 0) delete base['required'];
  const props = { ...all };
  const params = pathParams.length ? { params: { type: 'object', properties: inPath, required: [...pathParams] } } : {};
  for (const k of instantParams) if (props[k]) props[k] = { ...props[k], format: 'date-time', examples: [k === 'start' ? '2026-01-01T00:00:00Z' : k === 'end' ? '2026-02-01T00:00:00Z' : '2026-11-01T00:00:00Z'] };
  const query = {
    ...base,
    properties: { ...props, filters: { type: 'string', description: 'URL-encoded filter JSON (the Filter schema)', examples: [JSON.stringify(FILTER_EXAMPLE)] } },
  };
  const body = { ...base, properties: { ...props, filters: { ...ref('Filter'), description: 'filter tree (both forms, nestable)', examples: [FILTER_EXAMPLE] } } };
  const common = { summary: doc.summary, tags: ['analytics'], ...(doc.deprecated ? { deprecated: true } : {}), response: responses(ok, errors, true) };
  return {
    get: { ...common, operationId: `get${doc.operationId}`, querystring: query, ...params },
    post: { ...common, operationId: `post${doc.operationId}`, body, ...params },
  };
}

/** A streamed GET endpoint's document: its query members, its JSON answer, its errors. */
export function streamRouteSchema(schema: z.ZodType, doc: RouteDoc, ok: ComponentName, errors: readonly (keyof typeof ERROR_WHEN)[]): Json {
  return { summary: doc.summary, tags: ['analytics'], ...(doc.deprecated ? { deprecated: true } : {}), operationId: `get${doc.operationId}`, querystring: toJson(schema), response: responses(ok, errors) };
}

export type SecurityScheme =
  | { readonly type: 'http'; readonly scheme: 'bearer'; readonly description: string }
  | { readonly type: 'apiKey'; readonly in: 'header'; readonly name: string; readonly description: string };

export interface OpenApiOptions {
  /** components.securitySchemes (with access keys on): Swagger UI then offers "Authorize". */
  readonly securitySchemes?: Readonly<Record<string, SecurityScheme>>;
}

/** OpenAPI 3.0 writes "or null" as `nullable: true`, which does not widen an `enum`: the
 *  null has to be one of its values too, or validators refuse a documented null. */
function nullableEnums<T>(node: T): T {
  if (Array.isArray(node)) node.forEach(nullableEnums);
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o['nullable'] === true && Array.isArray(o['enum']) && !o['enum'].includes(null)) o['enum'] = [...o['enum'], null];
    Object.values(o).forEach(nullableEnums);
  }
  return node;
}

// Found by walking up from this module: server/ under tsx, dist/server/ once compiled.
const VERSION = packageInfo().version;

export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions = {}): Promise<void> {
  // zod validates in the handlers; the JSON schemas are documentation.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(swagger, {
    openapi: {
      info: { title: 'Blog analytics engine', version: VERSION, description: 'Blog view analytics over an embedded DuckDB snapshot. Errors: {error, code, details} (the Error schema).' },
      components: {
        schemas: componentSchemas() as never,
        ...(options.securitySchemes ? { securitySchemes: { ...options.securitySchemes } } : {}),
      },
    },
    transformObject: (d) => nullableEnums(('openapiObject' in d ? d.openapiObject : d.swaggerObject) as Json) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
