// The page's pure parts, without a browser: the filter builder's tree and the API's filter
// JSON both ways (the README's shorthand and long forms, lists, between, isnull, typed
// values), and the URL state (every member survives toSearch -> parseState).
import { describe, expect, it } from 'vitest';
import { filterJson, fromApi, rootFromText, typed } from '../page/src/filter-model.ts';
import type { Field } from '../page/src/filter-model.ts';
import { parseState, toSearch } from '../page/src/state.ts';
import type { State } from '../page/src/state.ts';

const field = (path: string, type: string): [string, Field] => [path, { path, type, nullable: true, operators: [] }];
const FIELDS = new Map([field('country__code', 'text'), field('duration', 'integer'), field('blog__title', 'text'), field('unit_price', 'decimal'), field('product__is_active', 'boolean'), field('user', 'integer'), field('order__created_at', 'timestamp')]);

describe('the filter builder\'s model', () => {
  it('reads the README\'s example in either form and writes it in the long form', () => {
    const short = { and: [{ field: 'country__code', op: 'in', value: ['USA', 'GBR'] }, { or: [{ field: 'duration', op: 'gte', value: 30 }, { not: { field: 'blog__title', op: 'icontains', value: 'draft' } }] }] };
    const long = {
      operator: 'and',
      conditions: [
        { field: 'country__code', op: 'in', value: ['USA', 'GBR'] },
        { operator: 'or', conditions: [{ field: 'duration', op: 'gte', value: 30 }, { operator: 'not', conditions: [{ field: 'blog__title', op: 'icontains', value: 'draft' }] }] },
      ],
    };
    expect(JSON.parse(filterJson(rootFromText(JSON.stringify(short)), FIELDS))).toEqual(long);
    expect(JSON.parse(filterJson(rootFromText(JSON.stringify(long)), FIELDS))).toEqual(long);
    // "operator" in a leaf, as the README's long form also allows.
    const leaf = { operator: 'and', conditions: [{ field: 'duration', operator: 'lt', value: 5 }] };
    expect(JSON.parse(filterJson(rootFromText(JSON.stringify(leaf)), FIELDS))).toEqual({ operator: 'and', conditions: [{ field: 'duration', op: 'lt', value: 5 }] });
  });

  it('wraps a lone condition in "all of"; no condition is no filter; junk is no filter', () => {
    expect(rootFromText(JSON.stringify({ field: 'user', op: 'isnull', value: true }))).toMatchObject({ kind: 'group', op: 'and', items: [{ kind: 'leaf', field: 'user', op: 'isnull', text: 'true' }] });
    expect(filterJson(rootFromText(''), FIELDS)).toBe('');
    expect(filterJson(rootFromText('{not json'), FIELDS)).toBe('');
    expect(filterJson(rootFromText('[1,2]'), FIELDS)).toBe('');
    // An empty "any of" is a filter (false), unlike an empty "all of".
    expect(filterJson({ kind: 'group', op: 'or', items: [] }, FIELDS)).toBe('{"operator":"or","conditions":[]}');
  });

  it('types values by the field: integers and booleans as JSON, decimals and instants as exact text', () => {
    expect(typed('integer', ' 42 ')).toBe(42);
    expect(typed('integer', '4.5')).toBe('4.5'); // not an integer: sent as typed, refused by the API with its reason
    expect(typed('decimal', '0.10')).toBe('0.10');
    expect(typed('boolean', 'false')).toBe(false);
    expect(typed('timestamp', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:00:00Z');
    expect(typed('text', ' a b ')).toBe(' a b ');
    const round = (f: unknown) => JSON.parse(filterJson(rootFromText(JSON.stringify({ and: [f] })), FIELDS)).conditions[0];
    expect(round({ field: 'unit_price', op: 'between', value: ['0.10', '12.50'] })).toEqual({ field: 'unit_price', op: 'between', value: ['0.10', '12.50'] });
    expect(round({ field: 'duration', op: 'not_in', value: [1, 2, 3] })).toEqual({ field: 'duration', op: 'not_in', value: [1, 2, 3] });
    expect(round({ field: 'product__is_active', op: 'eq', value: false })).toEqual({ field: 'product__is_active', op: 'eq', value: false });
    expect(round({ field: 'user', op: 'isnull', value: false })).toEqual({ field: 'user', op: 'isnull', value: false });
    expect(round({ field: 'blog__title', op: 'eq', value: '' })).toEqual({ field: 'blog__title', op: 'eq', value: '' });
  });
});

describe('the URL state', () => {
  it('keeps every member through the query string, and the defaults make an empty one', () => {
    const s: State = {
      view: 'marketplace',
      range: 'custom',
      start: '2026-01-01',
      end: '2026-02-01',
      asOf: '2026-11-01T00:00:00.000Z',
      tz: 'America/Sao_Paulo',
      root: 'customer',
      filters: '{"field":"city","op":"isnull","value":false}',
      options: { 'revenue.compare': 'week', 'products.by': 'quantity' },
      sql: 'SELECT 1 & 2 = 3 -- ?#%',
    };
    expect(parseState(toSearch(s), 'blog')).toEqual(s);
    const blank = parseState('', 'blog');
    expect(blank).toEqual({ view: 'blog', range: '', start: '', end: '', asOf: '', tz: '', root: '', filters: '', options: {}, sql: '' });
    expect(toSearch({ ...blank, view: '' })).toBe('');
  });
});
