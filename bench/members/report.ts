// The members benchmark's outputs: a Markdown table of the variants (the marketplace's
// columns; "PG agrees" is "yes*" where the answers agree once the members of zones whose
// data DuckDB's ICU and PostgreSQL's tzdata tell apart are set aside, with a footnote naming
// them), the /fetch/ row, and the README section between `<!-- bench-members:start -->` and
// its end marker.
import { readFileSync, writeFileSync } from 'node:fs';
import type { MarketResult } from '../market/measure.ts';
import { ms, variantTable, withReadmeSection } from '../market/report.ts';
import { PG_ONE_RUN_MS } from '../market/measure.ts';
import type { FetchResult } from './fetch.ts';

/** A variant's result, and the zones set aside where the answers agree only without them. */
export type MembersResult = MarketResult & { readonly agreesWithout?: readonly string[] };

export interface MembersReport {
  readonly dataset: 'members';
  readonly members: number;
  readonly periods: number;
  /** Rows per table of the data set. */
  readonly rows: Readonly<Record<string, number>>;
  readonly quick: boolean;
  readonly commit: string;
  readonly date: string;
  readonly machine: string;
  readonly fetch: FetchResult;
  readonly variants: readonly MembersResult[];
  /** Zones whose local times DuckDB and PostgreSQL write differently over the data's span. */
  readonly zonesDisagreeing: readonly string[];
  readonly serverRssMiB: { readonly current: number; readonly peak: number } | null;
}

export const MEMBERS_README_MARKERS = { start: '<!-- bench-members:start -->', end: '<!-- bench-members:end -->' } as const;

const count = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');
const same = (v: MembersResult): string => {
  if (!v.served || v.pgAgrees === null) return '-';
  if (v.pgAgrees) return 'yes';
  return v.agreesWithout ? 'yes*' : '**no**';
};
const agreed = (a: boolean | null) => (a === null ? '-' : a ? 'yes' : '**no**');
const mib = (n: number | null) => (n === null ? '-' : `${n} MiB`);

export function membersMarkdown(r: MembersReport): string {
  const f = r.fetch;
  const starred = [...new Set(r.variants.flatMap((v) => v.agreesWithout ?? []))].sort();
  const lines = [
    `Members: ${count(r.rows['member'])} members, ${count(r.rows['activity_period'])} activity periods (${r.periods} per member with any)` +
      `${r.quick ? ' (quick)' : ''}; commit ${r.commit}; ${r.date}; ${r.machine}.`,
    `Latency in ms over HTTP on loopback, uncached (\`Cache-Control: no-cache\`) unless stated, windows the default month (the 30 days before as_of). ` +
      `Engine p50: the server's own time (\`Server-Timing\`). PostgreSQL: the old service's Django tables (task_user, task_activityperiod: ` +
      `primary keys and the foreign-key index) and plain SQL (periods merged with window functions, days split with AT TIME ZONE); ` +
      `PostgreSQL p50 of 3 runs after a checked one, or the checked run alone where it took more than ${PG_ONE_RUN_MS / 1000} s; ` +
      `"PG agrees": the same answer, cell by cell.`,
    '',
    '| /fetch/ (every member, streamed) | first byte p50 | whole answer p50 | size | server RSS before / after / peak | PostgreSQL first byte p50 | PostgreSQL whole p50 | PG agrees |',
    '|---|---|---|---|---|---|---|---|',
    `| ${count(f.members)} members, ${f.runs.length} run${f.runs.length === 1 ? '' : 's'}${f.pg ? ` (PostgreSQL ${f.pg.runs})` : ''} | ${ms(f.firstByteP50)} | ${ms(f.totalP50)} | ${(f.bytes / 2 ** 20).toFixed(1)} MiB | ` +
      `${mib(f.rssBeforeMiB)} / ${mib(f.rssAfterMiB)} / ${mib(f.rssPeakMiB)} | ${f.pg ? ms(f.pg.firstByteP50) : '-'} | ${f.pg ? ms(f.pg.totalP50) : '-'} | ${agreed(f.pgAgrees)} |`,
    '',
    ...variantTable(r.variants, same),
  ];
  if (starred.length) {
    lines.push(
      '',
      `\\* The same answer once the members in ${starred.join(', ')} are left out on both sides: DuckDB's ICU and PostgreSQL's tzdata ` +
        `give these zones different local times over the data's span, so no answer reading their clocks can agree.`,
    );
  } else if (r.zonesDisagreeing.length) {
    lines.push('', `Zones whose local times DuckDB's ICU and PostgreSQL's tzdata write differently over the data's span (no answer above was affected): ${r.zonesDisagreeing.join(', ')}.`);
  }
  if (r.serverRssMiB) lines.push('', `Server RSS after the run: ${r.serverRssMiB.current} MiB (peak ${r.serverRssMiB.peak} MiB).`);
  return lines.join('\n') + '\n';
}

export const withMembersTable = (readme: string, table: string): string => withReadmeSection(readme, MEMBERS_README_MARKERS, table);

export function updateMembersReadme(path: string, table: string): void {
  writeFileSync(path, withMembersTable(readFileSync(path, 'utf8'), table));
}
