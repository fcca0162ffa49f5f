// Conformance of the ClickHouse backend (SPEC-scale.md section 3): each dataset's awkward
// fixture imported the ordinary way (DuckDB), its tables loaded into ClickHouse by the
// importer's ClickHouse target (chdb, the ClickHouse engine in this process), and every fixed
// endpoint and a few hundred random query-endpoint questions asked of two servers, one on
// each backend: the answers must be the same JSON, byte for byte (money, zones with DST, ISO
// weeks, microseconds, ties, paging and refusals included). chdb is installed apart
// (`npm install --prefix .chdb chdb@3.4.0`, .ci/run does it): the default install stays small.
// CLICKHOUSE_SEED=<n> replays other random questions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../engine/engine.ts';
import { ClickHouse } from '../engine/clickhouse/backend.ts';
import { loadIntoClickHouse } from '../data/clickhouse-load.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, rng, tempDir } from './helpers.ts';
import { CASES } from './clickhouse-cases.ts';
import type { Request } from './clickhouse-cases.ts';

const SEED = Number(process.env['CLICKHOUSE_SEED'] ?? 19);
/** Random query-endpoint questions per dataset (at least 300 in all). */
const QUESTIONS = 160;

for (const c of CASES) {
  describe(`ClickHouse answers the ${c.dataset.name} dataset as DuckDB does`, () => {
    const dir = tempDir(`chc-${c.dataset.name}-`);
    let duck: Engine;
    let ch: Engine;
    let apps: { duck: FastifyInstance; ch: FastifyInstance };
    let fixed: readonly Request[];
    let question: (r: () => number) => unknown;
    /** Every statement the ClickHouse engine ran, with its parameters. */
    const ran: { sql: string; params: readonly unknown[] }[] = [];

    beforeAll(async () => {
      const built = await c.build(dir.path);
      ({ fixed, question } = built);
      duck = await Engine.open(built.db, { dataset: c.dataset, cacheEntries: 0 });
      const backend = await ClickHouse.connect({ database: `conformance_${c.dataset.name}` });
      await loadIntoClickHouse({ snapshot: built.db, catalog: c.dataset.catalog, ch: backend });
      ch = await Engine.openClickHouse(backend, { dataset: c.dataset, cacheEntries: 0, onQuery: (q) => void (q.sql && ran.push({ sql: q.sql, params: q.params ?? [] })) });
      const serve = (e: Engine) => buildApp({ engine: () => (e.dataset.name === 'blog' ? e : undefined), engines: (n) => (n === e.dataset.name ? e : undefined), limits: STEADY_LIMITS });
      apps = { duck: await serve(duck), ch: await serve(ch) };
    }, 300_000);
    afterAll(async () => {
      await apps?.duck.close();
      await apps?.ch.close();
      await duck?.close();
      await ch?.close();
      dir.cleanup();
    });

    /** Statuses of the ClickHouse server's answers. */
    const statuses = new Map<number, number>();

    /** Both servers' answers to one request; the first difference, if any, as text. */
    async function differ(req: Request): Promise<string | undefined> {
      const ask = (app: FastifyInstance) => app.inject({ method: req.method, url: req.url, ...(req.body === undefined ? {} : { payload: req.body as object }) });
      const [a, b] = [await ask(apps.duck), await ask(apps.ch)];
      statuses.set(b.statusCode, (statuses.get(b.statusCode) ?? 0) + 1);
      if (a.statusCode !== b.statusCode) return `${req.method} ${req.url} ${JSON.stringify(req.body ?? '')}: status ${a.statusCode} on DuckDB, ${b.statusCode} on ClickHouse: ${b.body.slice(0, 600)}`;
      // request ids differ; everything else is the answer.
      const strip = (body: string) => body.replace(/"request_id":"[^"]*"/g, '');
      if (strip(a.body) !== strip(b.body)) {
        const [x, y] = [strip(a.body), strip(b.body)];
        let i = 0;
        while (i < x.length && x[i] === y[i]) i++;
        return `${req.method} ${req.url} ${JSON.stringify(req.body ?? '')}: answers differ at ${i}:\n  DuckDB:     ${x.slice(Math.max(0, i - 150), i + 150)}\n  ClickHouse: ${y.slice(Math.max(0, i - 150), i + 150)}`;
      }
      return undefined;
    }

    it('answers every fixed endpoint as DuckDB does', async () => {
      const failures: string[] = [];
      let ok = 0;
      for (const req of fixed) {
        const d = await differ(req);
        if (d) failures.push(d);
        else ok++;
      }
      expect(failures.slice(0, 5)).toEqual([]);
      expect(ok).toBeGreaterThan(20);
    }, 600_000);

    it('sends filter values only as parameters, never in the SQL text', () => {
      // Text with characters that mean something in SQL, LIKE or an escape, or non-ASCII.
      const awkward = (v: unknown): v is string => typeof v === 'string' && /[%_\\'"]|[^\x00-\x7f]/.test(v);
      let seen = 0;
      for (const q of ran) {
        expect(q.sql).not.toMatch(/\$\d/);
        for (const v of q.params.flatMap((p) => (Array.isArray(p) ? p : [p]))) {
          if (!awkward(v) || v.length < 2) continue;
          seen++;
          expect(q.sql.includes(v), `${v} in ${q.sql.slice(0, 200)}`).toBe(false);
        }
      }
      expect(seen).toBeGreaterThan(10);
    });

    it(`answers ${QUESTIONS} random query-endpoint questions as DuckDB does`, async () => {
      const r = rng(SEED);
      const failures: string[] = [];
      statuses.clear();
      for (let i = 0; i < QUESTIONS; i++) {
        const body = question(r);
        const req: Request = { method: 'POST', url: `/api/v1/${c.dataset.name}/query`, body };
        const d = await differ(req);
        if (d) failures.push(`#${i} ${d}`);
      }
      expect(failures.slice(0, 5)).toEqual([]);
      // Most questions are answered, not refused: the comparison is of real answers.
      expect(statuses.get(200) ?? 0).toBeGreaterThan(QUESTIONS * 0.8);
    }, 900_000);
  });
}
