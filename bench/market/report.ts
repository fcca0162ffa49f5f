// The marketplace benchmark's outputs: a Markdown table (a variant whose endpoint is not
// served yet gets a row saying so), an SVG chart of p50 against PostgreSQL, and the
// README section between `<!-- bench-marketplace:start -->` and its end marker.
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from '../report.ts';
import type { MarketResult } from './measure.ts';

export interface MarketReport {
  readonly dataset: 'marketplace';
  readonly orders: number;
  /** Rows per table of the data set. */
  readonly rows: Readonly<Record<string, number>>;
  readonly quick: boolean;
  readonly commit: string;
  readonly date: string;
  readonly machine: string;
  readonly serverRssMiB: { readonly current: number; readonly peak: number } | null;
  readonly variants: readonly MarketResult[];
  readonly load: readonly LoadResult[];
}

export const MARKET_README_MARKERS = { start: '<!-- bench-marketplace:start -->', end: '<!-- bench-marketplace:end -->' } as const;

export const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const opt = (n: number | null | undefined) => (n === null || n === undefined ? '-' : ms(n));
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(a / b >= 10 ? 0 : 1)}x` : '-');
const count = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');

const agreed = (v: MarketResult): string => (!v.served || v.pgAgrees === null ? '-' : v.pgAgrees ? 'yes' : '**no**');

/** The variants' table (the members benchmark's too): `same` writes the last column. */
export function variantTable(variants: readonly MarketResult[], same: (v: MarketResult) => string = agreed): string[] {
  const lines = [
    '| variant | min | avg | p50 | p99 | max | ops/s | cached p50 | engine p50 | HTTP overhead p50 | PostgreSQL p50 | PG / HTTP | PG agrees |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const v of variants) {
    if (!v.served) {
      lines.push(`| ${v.name} | not served (no route ${v.method} ${v.url.split('?')[0]}) | | | | | | | | | | | |`);
      continue;
    }
    const h = v.http;
    lines.push(
      `| ${v.name} | ${ms(h.min)} | ${ms(h.avg)} | ${ms(h.p50)} | ${ms(h.p99)} | ${ms(h.max)} | ${h.ops.toFixed(0)} | ${ms(v.httpCached.p50)} | ${opt(v.engineP50)} | ${opt(v.httpOverheadP50)} | ` +
        `${v.pg ? ms(v.pg.p50) : '-'} | ${v.pg ? ratio(v.pg.p50, h.p50) : '-'} | ${same(v)} |`,
    );
  }
  return lines;
}

/** The mixed workloads' table, or nothing without them. */
export function loadTable(load: readonly LoadResult[]): string[] {
  if (!load.length) return [];
  return ['', '| mixed workload, concurrency 16 | req/s | p50 ms | p99 ms | non-2xx | errors |', '|---|---|---|---|---|---|', ...load.map((l) => `| ${l.name} | ${l.requestsPerSec.toFixed(0)} | ${l.p50} | ${l.p99} | ${l.non2xx} | ${l.errors} |`)];
}

export function marketMarkdown(r: MarketReport): string {
  const lines = [
    `Marketplace: ${count(r.orders)} orders, ${count(r.rows['order_item'])} order items, ${count(r.rows['customer'])} customers, ${count(r.rows['product'])} products` +
      `${r.quick ? ' (quick)' : ''}; commit ${r.commit}; ${r.date}; ${r.machine}.`,
    `Latency in ms over HTTP on loopback, uncached (\`Cache-Control: no-cache\`) unless stated. Engine p50: the server's own time (its \`Server-Timing\` header); ` +
      `HTTP overhead: per request, latency minus that. PostgreSQL: the Django schema (shop_*) with its indexes, the SQL its ORM service function would run; ` +
      `"PG agrees": the same answer, money compared as exact text.`,
    '',
    ...variantTable(r.variants),
    ...loadTable(r.load),
  ];
  if (r.serverRssMiB) lines.push('', `Server RSS after the run: ${r.serverRssMiB.current} MiB (peak ${r.serverRssMiB.peak} MiB).`);
  return lines.join('\n') + '\n';
}

export function marketSvg(r: MarketReport): string {
  const served = r.variants.filter((v) => v.served);
  const rowH = 34;
  const left = 300;
  const width = 900;
  const plotW = width - left - 60;
  const values = served.flatMap((v) => [v.http.p50, v.pg?.p50 ?? v.http.p50]).filter((x) => x > 0);
  const lo = Math.log10(Math.max(0.01, Math.min(...values, 1) / 2));
  const hi = Math.log10(Math.max(...values, 1) * 2);
  const x = (v: number) => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const height = 60 + served.length * rowH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14">p50 latency, ms (log scale), marketplace, ${count(r.orders)} orders: engine over HTTP (blue) vs PostgreSQL (grey)</text>`,
  ];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    out.push(`<line x1="${x(10 ** e)}" y1="30" x2="${x(10 ** e)}" y2="${height - 20}" stroke="#ddd"/>`, `<text x="${x(10 ** e) - 10}" y="${height - 5}">${10 ** e}</text>`);
  }
  served.forEach((v, i) => {
    const y = 40 + i * rowH;
    out.push(`<text x="10" y="${y + 14}">${esc(v.name)}</text>`);
    out.push(`<rect x="${left}" y="${y}" width="${x(v.http.p50) - left}" height="12" fill="#2b6cb0"/><text x="${x(v.http.p50) + 4}" y="${y + 10}">${ms(v.http.p50)}</text>`);
    if (v.pg) out.push(`<rect x="${left}" y="${y + 14}" width="${x(v.pg.p50) - left}" height="12" fill="#999"/><text x="${x(v.pg.p50) + 4}" y="${y + 24}">${ms(v.pg.p50)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The README's text with the section between `markers` holding `table`; throws, naming the
 *  markers, where the section is missing. */
export function withReadmeSection(readme: string, markers: { readonly start: string; readonly end: string }, table: string): string {
  const { start, end } = markers;
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README has no ${start} ... ${end} section`);
  return readme.slice(0, a + start.length) + '\n' + table + readme.slice(b);
}

export const withMarketTable = (readme: string, table: string): string => withReadmeSection(readme, MARKET_README_MARKERS, table);

export function updateMarketReadme(path: string, table: string): void {
  writeFileSync(path, withMarketTable(readFileSync(path, 'utf8'), table));
}
