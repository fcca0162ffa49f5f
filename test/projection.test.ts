// Which copy of the fact table a question reads (engine/query/projection.ts): the copy
// stored by author (or by viewer country) only where every row the question counts has one
// author (one viewer country), and only where the snapshot holds the copy. That the copy answers exactly as the fact table is checked
// by the random questions of rollups.test.ts and its contents by snapshot-check.ts.
import { describe, expect, it } from 'vitest';
import { blogCatalog, blogDataset } from '../engine/datasets/blog/declaration.ts';
import { buildFields } from '../engine/fields.ts';
import { parseFilter } from '../engine/filter/parse.ts';
import { compilePlan } from '../engine/query/compile-plan.ts';
import type { AggregatePlan } from '../engine/query/nodes.ts';
import { withProjection } from '../engine/query/projection.ts';
import type { Json } from './filter-semantics.ts';

const fields = buildFields(blogCatalog);
const filter = (json: Json) => parseFilter(json, blogCatalog, fields);
const HELD = { projections: new Set(['fact_view_by_author', 'fact_view_by_country']) };
const reads = (json: Json | undefined, o = HELD) => withProjection(blogDataset, json === undefined ? undefined : filter(json), o).catalog.fact.name;

describe('the copy stored by author', () => {
  it('is read where the filter pins one author, through nested ands', () => {
    expect(reads({ field: 'blog__author', op: 'eq', value: 7 })).toBe('fact_view_by_author');
    expect(reads({ and: [{ field: 'duration', op: 'gt', value: 3 }, { and: [{ field: 'blog__author', op: 'eq', value: 7 }] }] })).toBe('fact_view_by_author');
    // A username is unique: it names one author at most.
    expect(reads({ field: 'blog__author__username', op: 'eq', value: 'x' })).toBe('fact_view_by_author');
    // Both pinned: the first declared.
    expect(reads({ and: [{ field: 'country__code', op: 'eq', value: 'FRA' }, { field: 'blog__author', op: 'eq', value: 7 }] })).toBe('fact_view_by_author');
  });
});

describe('the copy stored by viewer country', () => {
  it('is read where the filter pins one country, by its id or its (unique) code', () => {
    expect(reads({ field: 'country', op: 'eq', value: 3 })).toBe('fact_view_by_country');
    expect(reads({ field: 'country__code', op: 'eq', value: 'FRA' })).toBe('fact_view_by_country');
    expect(reads({ field: 'country__id', op: 'eq', value: 3 })).toBe('fact_view_by_country');
    expect(reads({ and: [{ field: 'duration', op: 'gt', value: 3 }, { field: 'country__code', op: 'eq', value: 'FRA' }] })).toBe('fact_view_by_country');
  });

  it('is not read where rows of other countries may count, or where the snapshot lacks it', () => {
    for (const json of [
      { field: 'country__name', op: 'eq', value: 'Georgia' },
      { field: 'country__code', op: 'in', value: ['FRA'] },
      { field: 'country__code', op: 'iexact', value: 'fra' },
      { field: 'country__code', op: 'isnull', value: true },
      { not: { field: 'country__code', op: 'eq', value: 'FRA' } },
      { or: [{ field: 'country__code', op: 'eq', value: 'FRA' }, { field: 'duration', op: 'gt', value: 3 }] },
      { field: 'blog__country__code', op: 'eq', value: 'FRA' },
    ] as Json[])
      expect(reads(json), JSON.stringify(json)).toBe('fact_view');
    expect(reads({ field: 'country__code', op: 'eq', value: 'FRA' }, { projections: new Set(['fact_view_by_author']) })).toBe('fact_view');
  });

  it('is not read where rows of other authors may count, or where the snapshot lacks it', () => {
    for (const json of [
      undefined,
      { field: 'blog__author', op: 'in', value: [7] },
      { field: 'blog__author', op: 'ne', value: 7 },
      { or: [{ field: 'blog__author', op: 'eq', value: 7 }, { field: 'duration', op: 'gt', value: 3 }] },
      { not: { field: 'blog__author', op: 'eq', value: 7 } },
      { field: 'user', op: 'eq', value: 7 },
    ] as (Json | undefined)[])
      expect(reads(json), JSON.stringify(json)).toBe('fact_view');
    expect(reads({ field: 'blog__author', op: 'eq', value: 7 }, { projections: new Set() })).toBe('fact_view');
    expect(reads({ field: 'blog__author', op: 'eq', value: 7 }, { ...HELD, rollups: false } as typeof HELD)).toBe('fact_view');
  });

  it('compiles to the same statement but for the table it reads, the author a parameter', () => {
    const plan: AggregatePlan = {
      kind: 'aggregate', dataset: 'blog', window: { start: null, end: '2026-11-01 00:00:00.000000' }, filter: filter({ field: 'blog__author', op: 'eq', value: 7 }),
      dimensions: ['country'], measures: ['views'], labels: [], order: [], nulls: 'keep', limit: 10, offset: 0,
    };
    const viaCopy = compilePlan(plan, blogDataset, fields, { rollups: true, rollupTables: new Set(), projections: HELD.projections });
    const plain = compilePlan(plan, blogDataset, fields, { rollups: true, rollupTables: new Set() });
    expect(viaCopy.sql).toContain('FROM "fact_view_by_author"');
    expect(viaCopy.sql.replaceAll('"fact_view_by_author"', '"fact_view"')).toBe(plain.sql);
    expect(viaCopy.params).toEqual(plain.params);
    expect(viaCopy.params).toContain(7);
  });
});
