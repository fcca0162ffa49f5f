// The benchmark's outputs: a Markdown table, an SVG chart of p50 per variant against
// PostgreSQL (log scale), and the README sections that quote the latest table of each
// data shape.
import { readFileSync, writeFileSync } from 'node:fs';
import { SHAPE_SUMMARY } from '../data/dimensions.ts';
import type { Shape } from '../data/dimensions.ts';

export interface Stats {
  readonly min: number;
  readonly avg: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly ops: number;
  readonly samples: number;
}

export interface VariantResult {
  readonly name: string;
  readonly url: string;
  readonly http: Stats;
  readonly httpCached: Stats;
  readonly engine: Stats;
  readonly floor: Stats;
  /** Median over the uncached requests of (latency - the server's own engine time, from
   *  its Server-Timing header): the HTTP layer's share, paired request by request. */
  readonly httpOverheadP50: number | null;
  readonly pg: Stats | null;
  /** Whether PostgreSQL gave the same answer (ids, counts, growth); null without it. */
  readonly pgAgrees: boolean | null;
}

export interface LoadResult {
  readonly name: string;
  readonly requestsPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface Report {
  readonly views: number;
  readonly shape: Shape;
  readonly quick: boolean;
  readonly commit: string;
  readonly date: string;
  readonly machine: string;
  readonly serverRssMiB: { readonly current: number; readonly peak: number } | null;
  readonly variants: readonly VariantResult[];
  readonly load: readonly LoadResult[];
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x` : '-');

export function markdown(r: Report): string {
  const lines = [
    `Views: ${r.views.toLocaleString('en-US')}${r.quick ? ' (quick)' : ''}, ${r.shape} shape (${SHAPE_SUMMARY[r.shape]}); commit ${r.commit}; ${r.date}; ${r.machine}.`,
    `Latency in ms over HTTP on loopback, uncached (\`Cache-Control: no-cache\`) unless stated; medians and ratios measured side by side in one run. ` +
      `HTTP overhead: per request, latency minus the server's engine time (its \`Server-Timing\` header); engine and SQL floor: the same question in the benchmark's process, back to back.`,
    '',
    '| variant | min | avg | p50 | p99 | max | ops/s | cached p50 | HTTP overhead p50 | engine p50 | SQL floor p50 | PostgreSQL p50 | PG / HTTP | PG agrees |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const v of r.variants) {
    const h = v.http;
    lines.push(
      `| ${v.name} | ${ms(h.min)} | ${ms(h.avg)} | ${ms(h.p50)} | ${ms(h.p99)} | ${ms(h.max)} | ${h.ops.toFixed(0)} | ${ms(v.httpCached.p50)} | ${v.httpOverheadP50 === null || v.httpOverheadP50 === undefined ? '-' : ms(v.httpOverheadP50)} | ` +
        `${ms(v.engine.p50)} | ${ms(v.floor.p50)} | ${v.pg ? ms(v.pg.p50) : '-'} | ${v.pg ? ratio(v.pg.p50, h.p50) : '-'} | ${v.pgAgrees === null ? '-' : v.pgAgrees ? 'yes' : '**no**'} |`,
    );
  }
  if (r.load.length) {
    lines.push('', '| mixed workload, concurrency 16 | req/s | p50 ms | p99 ms | non-2xx | errors |', '|---|---|---|---|---|---|');
    for (const l of r.load) lines.push(`| ${l.name} | ${l.requestsPerSec.toFixed(0)} | ${l.p50} | ${l.p99} | ${l.non2xx} | ${l.errors} |`);
  }
  if (r.serverRssMiB) lines.push('', `Server RSS after the run: ${r.serverRssMiB.current} MiB (peak ${r.serverRssMiB.peak} MiB).`);
  return lines.join('\n') + '\n';
}

export function svg(r: Report): string {
  const rowH = 34;
  const left = 300;
  const width = 900;
  const plotW = width - left - 60;
  const values = r.variants.flatMap((v) => [v.http.p50, v.pg?.p50 ?? v.http.p50]).filter((x) => x > 0);
  const lo = Math.log10(Math.max(0.01, Math.min(...values) / 2));
  const hi = Math.log10(Math.max(...values) * 2);
  const x = (v: number) => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const height = 60 + r.variants.length * rowH;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14">p50 latency, ms (log scale), ${r.views.toLocaleString('en-US')} views, ${r.shape} shape: engine over HTTP (blue) vs PostgreSQL (grey)</text>`];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    out.push(`<line x1="${x(10 ** e)}" y1="30" x2="${x(10 ** e)}" y2="${height - 20}" stroke="#ddd"/>`, `<text x="${x(10 ** e) - 10}" y="${height - 5}">${10 ** e}</text>`);
  }
  r.variants.forEach((v, i) => {
    const y = 40 + i * rowH;
    out.push(`<text x="10" y="${y + 14}">${esc(v.name)}</text>`);
    out.push(`<rect x="${left}" y="${y}" width="${x(v.http.p50) - left}" height="12" fill="#2b6cb0"/><text x="${x(v.http.p50) + 4}" y="${y + 10}">${ms(v.http.p50)}</text>`);
    if (v.pg) out.push(`<rect x="${left}" y="${y + 14}" width="${x(v.pg.p50) - left}" height="12" fill="#999"/><text x="${x(v.pg.p50) + 4}" y="${y + 24}">${ms(v.pg.p50)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The markers around a shape's table in the README: `bench` for the skewed shape (the
 *  section's name before there were shapes), `bench-uniform` for the uniform one. */
export function readmeMarkers(shape: Shape): { start: string; end: string } {
  const name = shape === 'skewed' ? 'bench' : `bench-${shape}`;
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** The README's text with each named shape's section (between its markers) holding its
 *  table; throws, naming the markers, where a section is missing. */
export function withTables(readme: string, tables: ReadonlyMap<Shape, string>): string {
  let text = readme;
  for (const [shape, table] of tables) {
    const { start, end } = readmeMarkers(shape);
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README has no ${start} ... ${end} section`);
    text = text.slice(0, a + start.length) + '\n' + table + text.slice(b);
  }
  return text;
}

/** Replaces the shapes' README sections, all or none. */
export function updateReadme(path: string, tables: ReadonlyMap<Shape, string>): void {
  writeFileSync(path, withTables(readFileSync(path, 'utf8'), tables));
}
