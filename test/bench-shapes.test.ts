// The benchmark over two data shapes: each shape's files and schema apart (the skewed shape
// keeps the names it had), each table's header naming its shape, and the README's two
// sections replaced together or not at all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdown, readmeMarkers, withTables } from '../bench/report.ts';
import type { Report } from '../bench/report.ts';
import { shapePaths } from '../bench/shape-run.ts';

const report = (shape: Report['shape']): Report => ({
  views: 10_000,
  shape,
  quick: true,
  commit: 'abc1234',
  date: '2026-11-23',
  machine: '2 x cpu',
  serverRssMiB: null,
  variants: [],
  load: [],
});

describe('bench shapes', () => {
  it('keeps each shape\'s data, schema, results and log apart', () => {
    const skewed = shapePaths({ root: '/r', views: 10_000, shape: 'skewed', quick: false });
    const uniform = shapePaths({ root: '/r', views: 10_000, shape: 'uniform', quick: true });
    expect(skewed).toMatchObject({
      parquet: join('/r/bench/data/views-10000'),
      snapshot: join('/r/bench/data/views-10000.duckdb'),
      schema: 'bae_bench_10000',
      stem: join('/r/bench/results/bench-10000'),
      serverLog: join('/r/bench/results/server-10000.log'),
    });
    expect(uniform).toMatchObject({
      parquet: join('/r/bench/data/views-uniform-10000'),
      snapshot: join('/r/bench/data/views-uniform-10000.duckdb'),
      schema: 'bae_bench_uniform_10000',
      stem: join('/r/bench/results/bench-uniform-10000-quick'),
      serverLog: join('/r/bench/results/server-uniform-10000-quick.log'),
    });
  });

  it('states the shape in the header line of each table', () => {
    expect(markdown(report('skewed')).split('\n')[0]).toMatch(/^Views: 10,000 \(quick\), skewed shape \(a few blogs, .*\); commit abc1234;/);
    expect(markdown(report('uniform')).split('\n')[0]).toMatch(/^Views: 10,000 \(quick\), uniform shape \(even over .*\); commit abc1234;/);
  });

  it('replaces both README sections, each with its own table, and nothing else', () => {
    const s = readmeMarkers('skewed');
    const u = readmeMarkers('uniform');
    expect([s.start, u.start]).toEqual(['<!-- bench:start -->', '<!-- bench-uniform:start -->']);
    const readme = `intro\n${s.start}\nold skewed\n${s.end}\n\n### Uniform\n\n${u.start}\nold uniform\n${u.end}\ntail\n`;
    const out = withTables(readme, new Map([['skewed', 'NEW SKEWED\n'], ['uniform', 'NEW UNIFORM\n']]));
    expect(out).toBe(`intro\n${s.start}\nNEW SKEWED\n${s.end}\n\n### Uniform\n\n${u.start}\nNEW UNIFORM\n${u.end}\ntail\n`);
    // One shape measured: only its section changes.
    expect(withTables(readme, new Map([['uniform', 'U\n']]))).toBe(readme.replace('old uniform\n', 'U\n'));
  });

  it('refuses a README without a measured shape\'s section, naming its markers', () => {
    const readme = `${readmeMarkers('skewed').start}\nx\n${readmeMarkers('skewed').end}\n`;
    expect(() => withTables(readme, new Map([['skewed', 'a\n'], ['uniform', 'b\n']]))).toThrow('README has no <!-- bench-uniform:start --> ... <!-- bench-uniform:end --> section');
  });
});
