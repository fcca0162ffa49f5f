// GET /api/v1/meta?dataset=NAME lists the dataset's tables (`roots`), and with ?root=TABLE
// the fields of filters that start there (the page's filter builder offers them for the
// marketplace's customers and cohorts, whose filters start at `customer`). The listing is
// checked against the endpoints themselves: every path listed from `customer` is accepted
// by the customers endpoint's filter, and a fact-root path absent from it is refused.
import { describe, expect, it } from 'vitest';
import { useMarketApp } from './market-fixture.ts';
import { AS_OF, documented } from './market-endpoints.ts';

const m = useMarketApp('meta-roots-', 300, 5);

type Meta = { root: string; roots: string[]; fields: { path: string; type: string; operators: string[] }[] };
const meta = async (query: string) => {
  const r = await m.app.inject({ url: `/api/v1/meta?${query}` });
  return { status: r.statusCode, body: r.json() as Meta & { code?: string; details?: { path: string; suggestion?: string }[] } };
};

describe('meta: roots', () => {
  it('lists every table of the dataset as a root and names the fact root in `root`', async () => {
    const { status, body } = await meta('dataset=marketplace');
    expect(status).toBe(200);
    const datasets = (await m.app.inject({ url: '/api/v1/datasets' })).json() as { datasets: { name: string; snapshot: { tables: Record<string, number> } | null }[] };
    const tables = Object.keys(datasets.datasets.find((d) => d.name === 'marketplace')!.snapshot!.tables);
    expect([...body.roots].sort()).toEqual([...tables].sort());
    expect(body.root).toBe('order_item');
    expect(body.fields.map((f) => f.path)).toContain('order__customer__city');
    const validate = await documented(m.app, '/api/v1/meta');
    expect(validate(body)).toEqual([]);
  });

  it('?root=customer lists exactly paths the customers endpoint\'s filter accepts', async () => {
    const { status, body } = await meta('dataset=marketplace&root=customer');
    expect(status).toBe(200);
    expect(body.root).toBe('customer');
    const paths = body.fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'city', 'orders__status', 'orders__items__product__name']));
    const filterBy = (field: string) =>
      m.app.inject({ method: 'POST', url: '/api/v1/marketplace/customers', payload: { as_of: AS_OF, limit: 1, filters: { field, op: 'isnull', value: false } } });
    for (const f of body.fields) {
      expect(f.operators, f.path).toContain('isnull');
      const r = await filterBy(f.path);
      expect(r.statusCode, `${f.path}: ${r.body}`).toBe(200);
    }
    // A path of the fact root that is no path from customer is refused there.
    const factOnly = (await meta('dataset=marketplace')).body.fields.map((f) => f.path).filter((p) => !paths.includes(p));
    expect(factOnly).toContain('order__status');
    for (const p of factOnly.slice(0, 5)) expect((await filterBy(p)).statusCode, p).toBe(400);
  });

  it('refuses a table the dataset does not have, suggesting the nearest', async () => {
    const { status, body } = await meta('dataset=marketplace&root=custmer');
    expect(status).toBe(400);
    expect(body.code).toBe('invalid_parameter');
    expect(body.details).toEqual([expect.objectContaining({ path: '/root', suggestion: 'customer' })]);
  });
});
