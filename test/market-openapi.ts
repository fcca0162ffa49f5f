// A marketplace endpoint's real JSON answer held against the 200 schema its OpenAPI
// document gives (ajv, as test/openapi-document.test.ts does for the blog's): the tests of
// the fixed endpoints run on the marketplace fixture, which that test does not open.
import { expect } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
type Json = Record<string, unknown>;

export async function answerMatchesSchema(app: FastifyInstance, method: 'get' | 'post', path: string, body: unknown): Promise<void> {
  const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>; components: Json };
  const schema = doc.paths[path]?.[method]?.responses['200']?.content?.['application/json']?.schema;
  expect(schema, `${method} ${path}`).toBeDefined();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, components: doc.components });
  expect(validate(body) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
}
