// OpenAPI from the same zod schemas that validate requests (z.toJSONSchema), served by
// @fastify/swagger at /openapi.json and Swagger UI at /docs. Validation itself stays with
// zod (analytics-params.ts), so Fastify's own validator is switched off for these schemas.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { FilterSchema } from '../engine/filter/schema.ts';

const FILTER_EXAMPLE = {
  operator: 'and',
  conditions: [
    { field: 'country__code', operator: 'in', value: ['USA', 'GBR'] },
    { not: { field: 'blog__title', op: 'contains', value: '50%' } },
  ],
};

type Json = Record<string, unknown>;

function toJson(schema: z.ZodType): Json {
  const j = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete j['$schema'];
  return j;
}

const filterJson = toJson(FilterSchema);

export function analyticsRouteSchema(schema: z.ZodType, summary: string, hide: boolean): Json {
  const base = toJson(schema);
  const props = { ...(base['properties'] as Record<string, Json>) };
  const query = {
    ...base,
    properties: { ...props, filters: { type: 'string', description: 'URL-encoded filter JSON', examples: [JSON.stringify(FILTER_EXAMPLE)] } },
  };
  const body = { ...base, properties: { ...props, filters: { ...filterJson, description: 'filter tree (both forms, nestable)', examples: [FILTER_EXAMPLE] } } };
  return { summary, hide, tags: ['analytics'], querystring: query, body };
}

export type SecurityScheme =
  | { readonly type: 'http'; readonly scheme: 'bearer'; readonly description: string }
  | { readonly type: 'apiKey'; readonly in: 'header'; readonly name: string; readonly description: string };

export interface OpenApiOptions {
  /** components.securitySchemes (with access keys on): Swagger UI then offers "Authorize". */
  readonly securitySchemes?: Readonly<Record<string, SecurityScheme>>;
}

export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions = {}): Promise<void> {
  // zod validates in the handlers; the JSON schemas are documentation.
  app.setValidatorCompiler(() => () => true);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Blog analytics engine', version: '1.0.0', description: 'Blog view analytics over an embedded DuckDB snapshot. Errors: {error, code, details}.' },
      ...(options.securitySchemes ? { components: { securitySchemes: { ...options.securitySchemes } } } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
