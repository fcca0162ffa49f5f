// Bad and hostile filters: each is refused with invalid_filter and the JSON pointer of the
// offending member; none reaches SQL text, none throws anything but a QueryError.
import { describe, expect, it } from 'vitest';
import { blogCatalog } from '../engine/datasets/blog/declaration.ts';
import { buildFields } from '../engine/fields.ts';
import { QueryError } from '../engine/errors.ts';
import { FILTER_LIMITS, parseFilter } from '../engine/filter/parse.ts';
import { compileFilter } from '../engine/filter/compile.ts';
import { Params } from '../engine/params.ts';
import { useFilterFixture } from './filter-fixture.ts';
import type { ViewRow } from './filter-fixture.ts';

const fields = buildFields(blogCatalog);

function refused(filter: unknown): { message: string; path: string; suggestion?: string } {
  try {
    parseFilter(filter, blogCatalog, fields);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    const q = e as QueryError;
    expect(q.code).toBe('invalid_filter');
    expect(q.details).toHaveLength(1);
    expect(q.details[0]!.message).toBe(q.message);
    return { ...q.details[0]! };
  }
  throw new Error(`accepted: ${JSON.stringify(filter).slice(0, 200)}`);
}

const leaf = (field: string, op: string, value: unknown) => ({ field, op, value });
const nest = (depth: number): unknown => (depth <= 1 ? leaf('id', 'eq', 1) : { and: [nest(depth - 1)] });

describe('refused filters', () => {
  it('an unknown path, with the nearest real one', () => {
    expect(refused({ operator: 'and', conditions: [leaf('user__password', 'eq', 'x')] })).toEqual({
      message: "unknown field 'user__password'",
      path: '/filters/conditions/0/field',
      suggestion: 'user__username',
    });
    expect(refused(leaf('blog__titel', 'eq', 'x')).suggestion).toBe('blog__title');
    expect(refused(leaf('contry__name', 'eq', 'x')).suggestion).toBe('country__name');
    expect(refused(leaf('blog__author__email', 'eq', 'x')).suggestion).toBe('blog__author__username');
  });

  it('__ games and other spellings of real paths', () => {
    for (const f of ['user____username', '__user', 'user__', 'USER__USERNAME', 'user__username ', 'user__date_joined', 'blog__author_id',
      'blog_view__id', 'user__id__id', 'constructor', '__proto__', 'toString', 'user__username\u0000']) {
      expect(refused(leaf(f, 'eq', 1)).path, f).toBe('/filters/field');
    }
  });

  it('unknown operators are never read as eq', () => {
    expect(refused(leaf('id', 'eqq', 1))).toMatchObject({ path: '/filters/op', suggestion: 'eq' });
    expect(refused(leaf('id', 'not_int', [1])).suggestion).toBe('not_in');
    expect(refused({ field: 'id', operator: 'lik', value: 1 })).toMatchObject({ path: '/filters/operator' });
    expect(refused(leaf('id', 'constructor', 1)).path).toBe('/filters/op');
    expect(refused(leaf('id', 'notnull', true)).path).toBe('/filters/op');
    expect(refused({ field: 'id', operator: 'eq', op: 'ne', value: 1 }).path).toBe('/filters/op');
    expect(refused({ field: 'id', value: 1 }).message).toBe("missing 'operator'");
    expect(refused(leaf('duration', 'contains', '1')).message).toMatch(/does not apply to integer field 'duration'/);
    expect(refused(leaf('viewed_at', 'regex', '1')).message).toMatch(/does not apply to timestamp/);
  });

  it('values of the wrong type', () => {
    const cases: [unknown, string][] = [
      [leaf('duration', 'eq', '5'), '/filters/value'],
      [leaf('duration', 'eq', 5.5), '/filters/value'],
      [leaf('duration', 'eq', true), '/filters/value'],
      [leaf('duration', 'eq', null), '/filters/value'],
      [leaf('duration', 'eq', 2 ** 60), '/filters/value'],
      [leaf('viewed_at', 'gt', 'yesterday'), '/filters/value'],
      [leaf('viewed_at', 'gt', '2026-02-30'), '/filters/value'],
      [leaf('viewed_at', 'gt', '2026-01-01T25:00:00Z'), '/filters/value'],
      [leaf('viewed_at', 'gt', 1700000000), '/filters/value'],
      [leaf('user__username', 'eq', 5), '/filters/value'],
      [leaf('user__username', 'contains', ['a']), '/filters/value'],
      [leaf('user', 'isnull', 'true'), '/filters/value'],
      [leaf('id', 'in', []), '/filters/value'],
      [leaf('id', 'in', 5), '/filters/value'],
      [leaf('id', 'in', [1, 'x']), '/filters/value/1'],
      [leaf('id', 'between', [1]), '/filters/value'],
      [leaf('id', 'between', [1, 2, 3]), '/filters/value'],
      [leaf('country__code', 'between', ['a', null]), '/filters/value/1'],
      [leaf('blog__title', 'regex', '(unclosed'), '/filters/value'],
      [leaf('blog__title', 'regex', '(?<name>x)'), '/filters/value'],
      [leaf('blog__title', 'regex', 'a(?<=b)'), '/filters/value'],
      [{ field: 'id', op: 'eq' }, '/filters/value'],
    ];
    for (const [f, path] of cases) expect(refused(f).path, JSON.stringify(f)).toBe(path);
  });

  it('RE2 patterns that DuckDB accepts pass', () => {
    for (const p of ['\\(?<', '[(?<]', '(?P<name>x)', '[]a]', '\\pL', '(?i)é', 'x{2,1000}']) {
      expect(() => parseFilter(leaf('blog__title', 'regex', p), blogCatalog, fields), p).not.toThrow();
    }
  });

  it('malformed structure', () => {
    expect(refused('{"and": [').path).toBe('/filters');
    expect(refused('nonsense').path).toBe('/filters');
    expect(refused([leaf('id', 'eq', 1)]).path).toBe('/filters');
    expect(refused(42).path).toBe('/filters');
    expect(refused({ and: [leaf('id', 'eq', 1), 'x'] }).path).toBe('/filters/and/1');
    expect(refused({ and: leaf('id', 'eq', 1) }).path).toBe('/filters/and');
    expect(refused({ operator: 'xor', conditions: [] }).path).toBe('/filters/operator');
    expect(refused({ and: [{ ...leaf('id', 'eq', 1), extra: 1 }] })).toMatchObject({ path: '/filters/and/0', message: "unknown member 'extra'" });
    expect(refused({ something: 1 }).path).toBe('/filters');
    expect(refused({ not: [leaf('id', 'eq', 1)] }).path).toBe('/filters/not');
  });

  it('limits: depth, leaves, list items, string length, JSON size', () => {
    expect(() => parseFilter(nest(FILTER_LIMITS.depth), blogCatalog, fields)).not.toThrow();
    expect(refused(nest(FILTER_LIMITS.depth + 1)).message).toMatch(/deeper than 10/);
    const many = (n: number) => ({ or: Array.from({ length: n }, (_, i) => leaf('id', 'eq', i)) });
    expect(() => parseFilter(many(100), blogCatalog, fields)).not.toThrow();
    expect(refused(many(101))).toMatchObject({ message: 'more than 100 conditions', path: '/filters/or/100' });
    const list = (n: number) => leaf('id', 'in', Array.from({ length: n }, (_, i) => i));
    expect(() => parseFilter(list(1000), blogCatalog, fields)).not.toThrow();
    expect(refused(list(1001)).message).toMatch(/more than 1000 items/);
    expect(() => parseFilter(leaf('blog__title', 'contains', 'x'.repeat(1000)), blogCatalog, fields)).not.toThrow();
    expect(refused(leaf('blog__title', 'contains', 'x'.repeat(1001))).path).toBe('/filters/value');
    expect(refused(leaf('blog__title', 'in', ['x'.repeat(1001)])).path).toBe('/filters/value/0');
    const big = { or: Array.from({ length: 90 }, () => leaf('blog__title', 'eq', 'y'.repeat(200))) };
    expect(refused(big).message).toMatch(/larger than 16384 bytes/);
  });

  it('hostile nesting does not overflow the stack', () => {
    let deep = '{"field":"id","op":"eq","value":1}';
    for (let i = 0; i < 5000; i++) deep = `{"not":${deep}}`;
    expect(refused(deep).message).toMatch(/larger than|deeper than/);
    const arrays = '['.repeat(3000) + ']'.repeat(3000);
    expect(refused(arrays).path).toBe('/filters');
    let obj: unknown = leaf('id', 'eq', 1);
    for (let i = 0; i < 100_000; i++) obj = { not: obj };
    expect(refused(obj).message).toMatch(/larger than|deeper than/);
  });

  it('absent filters are no filter', () => {
    for (const f of [undefined, null, '']) expect(parseFilter(f, blogCatalog, fields)).toBeUndefined();
  });
});

describe('hostile values stay values', () => {
  const fx = useFilterFixture('fhost-', 3000);

  it('every pattern the parser accepts runs on DuckDB', async () => {
    for (const value of ['\\(?<', '[(?<]', '(?P<name>x)', '[]a]', '\\pL', '(?i)é', 'x{2,1000}', '\\Q.*\\E', '[[:upper:]]']) {
      const p = new Params();
      const sql = compileFilter(parseFilter({ field: 'blog__title', op: 'regex', value }, blogCatalog, fields)!, fields, p);
      await expect(fx.db.query(`SELECT count(*) AS n FROM fact_view WHERE ${sql}`, p.values), value).resolves.toBeDefined();
    }
  });

  it('SQL fragments in values are matched literally and change nothing', async () => {
    const counts = async () => (await fx.db.query(`SELECT (SELECT count(*) FROM blog) AS b, (SELECT count(*) FROM "user") AS u, (SELECT count(*) FROM fact_view) AS v`)).rows[0];
    const before = await counts();
    const values = ["Robert'); DROP TABLE blog;--", "' OR 1=1 --", '"; DELETE FROM fact_view; --', '$1', '?', "'; ATTACH '/etc/passwd' AS x; --", '\\', '%'];
    for (const value of values) {
      for (const op of ['eq', 'contains', 'startswith', 'iexact', 'gt']) {
        const node = parseFilter({ field: 'user__username', op, value }, blogCatalog, fields)!;
        const p = new Params();
        const sql = compileFilter(node, fields, p);
        expect(sql).not.toContain(value.length > 2 ? value : '\u0000never');
        expect(p.values).toContain(value);
        const got = (await fx.db.query(`SELECT count(*) AS n FROM fact_view WHERE ${sql}`, p.values)).rows[0]!['n'];
        const u = (r: ViewRow) => r['user__username'] as string | null;
        const want = fx.rows.filter((r) => {
          const s = u(r);
          if (s === null) return false;
          if (op === 'eq') return s === value;
          if (op === 'contains') return s.toLowerCase().includes(value.toLowerCase());
          if (op === 'startswith') return s.toLowerCase().startsWith(value.toLowerCase());
          if (op === 'iexact') return s.toLowerCase() === value.toLowerCase();
          return Buffer.compare(Buffer.from(s), Buffer.from(value)) > 0;
        }).length;
        expect(got, `${op} ${value}`).toBe(want);
      }
    }
    expect(fx.rows.some((r) => r['user__username'] === "Robert'); DROP TABLE blog;--")).toBe(true);
    expect(await counts()).toEqual(before);
  });
});
