// Real answers of the marketplace's list endpoints validate against the 200 schemas the
// OpenAPI document gives them (ajv, as openapi-document.test.ts does for the blog), and
// their refusals against Error; the path parameter of customers/{id} is documented in the
// path. The schemas must also be able to fail: a wrong answer is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { useMarketApp } from './market-fixture.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;
type Json = Record<string, unknown>;
const m = useMarketApp('mlists-openapi-', 400, 5);
let doc: { paths: Record<string, Record<string, { parameters?: Json[]; responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>; components: Json };

beforeAll(async () => {
  doc = (await m.app.inject({ url: '/openapi.json' })).json();
});

function validator(path: string, method: string, status: number) {
  const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
  expect(schema, `${method} ${path} ${status}`).toBeDefined();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile({ ...schema, components: doc.components });
}

async function check(method: 'GET' | 'POST', url: string, documented: string, status = 200, payload?: Json): Promise<Json> {
  const r = await m.app.inject({ method, url, ...(payload ? { payload } : {}) });
  expect(r.statusCode, `${method} ${url}: ${r.body.slice(0, 300)}`).toBe(status);
  const body = r.json() as Json;
  const validate = validator(documented, method.toLowerCase(), status);
  expect(validate(body), `${method} ${url}: ${JSON.stringify(validate.errors)}`).toBe(true);
  return body;
}

const P = '/api/v1/marketplace';

describe('the marketplace lists in the OpenAPI document', () => {
  it('documents customers/{id} with its id in the path, not the query', () => {
    const params = doc.paths[`${P}/customers/{id}`]!['get']!.parameters ?? [];
    expect(params.filter((p) => p['name'] === 'id').map((p) => p['in'])).toEqual(['path']);
  });

  it('real answers match the documented schemas, and a wrong one does not', async () => {
    const products = await check('GET', `${P}/products?limit=50&order_by=rating`, `${P}/products`);
    expect((products['data'] as unknown[]).length).toBeGreaterThan(10);
    await check('POST', `${P}/products`, `${P}/products`, 200, { active: false, start: '2019-01-01', end: '2020-01-01' });
    const customers = await check('GET', `${P}/customers?min_spent=0.29`, `${P}/customers`);
    expect((customers['data'] as unknown[]).length).toBeGreaterThan(5);
    for (const id of [1, 1001, 1003]) await check('GET', `${P}/customers/${id}`, `${P}/customers/{id}`);
    const orders = await check('POST', `${P}/orders`, `${P}/orders`, 200, { limit: 20 });
    expect((orders['data'] as unknown[]).length).toBe(20);
    await check('GET', `${P}/orders?status=cancelled&min_items=1`, `${P}/orders`);
    const wrong = validator(`${P}/orders`, 'get', 200);
    const row = (orders['data'] as Json[])[0]!;
    expect(wrong({ ...orders, data: [{ ...row, total: 12.5 }] })).toBe(false);
  });

  it('refusals are the Error component: 400 and 404', async () => {
    await check('GET', `${P}/products?order_by=x`, `${P}/products`, 400);
    await check('GET', `${P}/customers?min_spent=x`, `${P}/customers`, 400);
    await check('GET', `${P}/customers/999999`, `${P}/customers/{id}`, 404);
    await check('POST', `${P}/orders`, `${P}/orders`, 400, { status: 'lost' });
  });
});
