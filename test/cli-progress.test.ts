// Progress as the tools show it. Off a terminal: one plain line per step, with its figures
// (rows, bytes, seconds), checked against the files themselves read by a separate DuckDB.
// On a terminal: a bar with the total, the rate and the time left, drawn on a stand-in
// stream that says it is a terminal, with a clock the test sets.
import { mkdirSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { amount, progressReporter } from '../data/progress-report.ts';
import { tempDir } from './helpers.ts';
import { runCli } from './cli-run.ts';

const dir = tempDir('cli-progress-');
const parquet = join(dir.path, 'parquet');
const csv = join(dir.path, 'csv');
const TABLES = ['country', 'user', 'blog', 'blog_view'];
const VIEWS = 3000;
let scratch: Database;
let generated: { code: number | null; stdout: string; stderr: string };
const rows: Record<string, number> = {};

beforeAll(async () => {
  generated = await runCli('data/generate-cli.ts', ['--views', String(VIEWS), '--seed', '5', '--out', parquet, '--end', '2026-11-01'], { DEBUG: undefined });
  scratch = await Database.open(':memory:');
  for (const t of TABLES) rows[t] = Number((await scratch.query(`SELECT count(*) AS n FROM read_parquet($1)`, [join(parquet, `${t}.parquet`)])).rows[0]!['n']);
});
afterAll(() => {
  scratch?.close();
  dir.cleanup();
});

const n = (x: number) => x.toLocaleString('en-US');
const SECONDS = String.raw`\d+\.\d s`;

describe('off a terminal: one line per step', () => {
  it('generate: the rows written to each file', () => {
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stderr).toBe('');
    const lines = generated.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^making countries, users and blogs: ${n(rows['country']! + rows['user']! + rows['blog']!)} rows in ${SECONDS}`));
    expect(lines[1]).toMatch(new RegExp(`^making views: ${n(VIEWS)} rows in ${SECONDS}`));
    TABLES.forEach((t, i) => expect(lines[2 + i]).toMatch(new RegExp(`^writing ${t}\\.parquet: ${n(rows[t]!)} rows in ${SECONDS}`)));
    expect(lines[6]).toMatch(new RegExp(`^generated ${VIEWS} views`));
    expect(lines).toHaveLength(7);
  });

  it('import from Parquet: rows loaded per table, checks, then the layout by part', async () => {
    const r = await runCli('data/import-cli.ts', [parquet, '--db', join(dir.path, 'p.duckdb')], { DEBUG: undefined });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    const steps = lines.slice(0, -1).map((l) => l.split(':')[0]);
    expect(steps).toEqual([...TABLES.flatMap((t) => [`loading ${t}`, `checking ${t}`]), 'checking references', 'layout', 'projections', 'rollups', 'blog sets', 'writing the snapshot']);
    expect(lines.at(-1)).toMatch(new RegExp(`^imported ${TABLES.map((t) => `${t} ${rows[t]}`).join(', ')} into `));
    for (const t of TABLES) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^loading ${t}: ${n(rows[t]!)} rows in ${SECONDS}`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^rollups: \\d+ statements in ${SECONDS}$`)));
  });

  it('import from CSV: the bytes of each file', async () => {
    mkdirSync(csv);
    for (const t of TABLES) await scratch.query(`COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT csv, HEADER)`, [join(parquet, `${t}.parquet`), join(csv, `${t}.csv`)]);
    const r = await runCli('data/import-cli.ts', [csv, '--db', join(dir.path, 'c.duckdb')], { DEBUG: undefined });
    expect(r.code, r.stderr).toBe(0);
    for (const t of TABLES) {
      const size = amount(statSync(join(csv, `${t}.csv`)).size, 'bytes');
      expect(r.stdout).toMatch(new RegExp(`(^|\\n)loading ${t}: ${size.replace('.', '\\.')} in ${SECONDS}`));
    }
  });
});

/** A stream that says it is a terminal and keeps what is written to it. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 160;
  text = '';
  private waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    for (const w of [...this.waiters]) {
      const m = this.text.match(w.re);
      if (m) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
    done();
  }
  /** Resolves once the output matches: the next redraw, not a guessed delay. */
  shows(re: RegExp): Promise<RegExpMatchArray> {
    const m = this.text.match(re);
    return m ? Promise.resolve(m) : new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

describe('on a terminal: bars', () => {
  it('draws a bar with the count, the total, the rate and the time left', async () => {
    const term = new FakeTerminal();
    let clock = 0;
    const progress = progressReporter({ stream: term, now: () => clock, lines: () => expect.fail('no plain lines on a terminal') });
    try {
      progress.phase('loading blog_view', 1000, 'rows');
      clock = 2000;
      progress.tick(250);
      // 250 of 1,000 rows in 2 s: 125 rows/s, 750 rows left: 6 s.
      const [line] = await term.shows(/loading blog_view \[[^\]]+\] 25% \| 250\/1,000 rows \| 125 rows\/s \| ETA 6\.0 s/);
      expect(line).toMatch(/\[={7,8}-{22,23}\]/);
      progress.note('a note goes above the bar');
      clock = 4000;
      progress.phase('reading dump.sql', 4 << 20, 'bytes');
      clock = 5000;
      progress.tick(1 << 20);
      await term.shows(/reading dump\.sql \[[^\]]+\] 25% \| 1\.0 MiB\/4\.0 MiB \| 1\.0 MiB\/s \| ETA 3\.0 s/);
      // The finished step leaves its line; a step with no total shows its time so far.
      expect(term.text).toContain('loading blog_view: 250 rows in 4.0 s (63 rows/s)\n');
      expect(term.text).toContain('a note goes above the bar\n');
      clock = 6000;
      progress.phase('layout');
      clock = 8500;
      await term.shows(/layout \| 2\.5 s/);
    } finally {
      progress.stop();
    }
    expect(term.text).toContain('layout: 2.5 s\n');
    // The cursor, hidden while bars are drawn, is shown again.
    expect(term.text.lastIndexOf('\x1b[?25h')).toBeGreaterThan(term.text.lastIndexOf('\x1b[?25l'));
  });

  it('off a terminal, the same reporter writes only the finished steps', () => {
    const lines: string[] = [];
    let clock = 0;
    const progress = progressReporter({ stream: new Writable({ write: (_c, _e, done) => done() }), now: () => clock, lines: (l) => lines.push(l) });
    progress.phase('loading user', 500, 'rows');
    progress.tick(200);
    expect(lines).toEqual([]);
    progress.tick(300);
    clock = 1500;
    progress.phase('checking user', 5, 'checks');
    progress.tick(5);
    clock = 1700;
    progress.stop();
    expect(lines).toEqual(['loading user: 500 rows in 1.5 s (333 rows/s)', 'checking user: 5 checks in 0.2 s']);
  });
});
