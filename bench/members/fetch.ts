// The old service's endpoint, `GET /fetch/`: every member with every period, streamed. Timed
// to its first byte of body and to its last, a few times, with the server's memory around it;
// beside PostgreSQL giving the same text the way a streaming Django view would (a server-side
// cursor over the members by id, each member's periods from the foreign-key index, the JSON
// written by PostgreSQL), the two compared by the MD5 of the whole answer. A run of more
// than 20 s is not repeated.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type pg from 'pg';
import { rss } from '../server.ts';

export interface Timing {
  /** Milliseconds to the first byte of the answer's body. */
  readonly firstByte: number;
  /** Milliseconds to its last byte. */
  readonly total: number;
}

export interface FetchResult {
  readonly members: number;
  readonly bytes: number;
  readonly runs: readonly Timing[];
  /** Medians over the runs. */
  readonly firstByteP50: number;
  readonly totalP50: number;
  /** The server's resident memory before the first run and after the last, and its peak. */
  readonly rssBeforeMiB: number | null;
  readonly rssAfterMiB: number | null;
  readonly rssPeakMiB: number | null;
  readonly pg: { readonly firstByteP50: number; readonly totalP50: number; readonly runs: number } | null;
  readonly pgAgrees: boolean | null;
}

/** A whole answer slower than this is measured once: minutes a run at a million members. */
const LONG_MS = 20_000;
/** `runs` times, fewer where one took longer than LONG_MS. */
async function repeat<T extends Timing>(runs: number, ask: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  while (out.length < runs && !(out.length && out[out.length - 1]!.total > LONG_MS)) out.push(await ask());
  return out;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function askFetch(url: string): Promise<Timing & { bytes: number; md5: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = 0;
    let bytes = 0;
    const hash = createHash('md5');
    const req = httpRequest(url, { headers: { 'cache-control': 'no-cache' } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET ${url}: ${res.statusCode}`));
      res.on('data', (c: Buffer) => {
        if (!first) first = performance.now() - t0;
        bytes += c.length;
        hash.update(c);
      });
      res.on('end', () => resolve({ firstByte: first, total: performance.now() - t0, bytes, md5: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One member's JSON text as the old service wrote it: UTC times as `June 20 2020 14:29`. */
export const fetchSql = (s: string) => {
  const when = (c: string) => `to_char(a.${c} AT TIME ZONE 'UTC', 'FMMonth FMDD YYYY HH24:MI')`;
  return `SELECT '{"id":"' || u.id || '","real_name":' || to_json(u.real_name)::text || ',"tz":' || to_json(u.tz)::text || ',"activity":[' ||
  COALESCE((SELECT string_agg('{"start_time":"' || ${when('start_time')} || '","end_time":"' || ${when('end_time')} || '"}', ',' ORDER BY a.start_time, a.id)
    FROM ${s}.task_activityperiod a WHERE a.member_id = u.id), '') || ']}' AS j
FROM ${s}.task_user u ORDER BY u.id`;
};

async function pgFetch(client: pg.Client, schema: string): Promise<Timing & { md5: string }> {
  const t0 = performance.now();
  let first = 0;
  const hash = createHash('md5').update('{"ok":true,"members":[');
  let n = 0;
  await client.query('BEGIN');
  try {
    await client.query(`DECLARE bench_fetch NO SCROLL CURSOR FOR ${fetchSql(schema)}`);
    for (;;) {
      const r = await client.query<{ j: string }>('FETCH 2000 FROM bench_fetch');
      if (!first) first = performance.now() - t0;
      for (const row of r.rows) hash.update(n++ ? `,${row.j}` : row.j);
      if (r.rows.length < 2000) break;
    }
  } finally {
    await client.query('COMMIT');
  }
  return { firstByte: first, total: performance.now() - t0, md5: hash.update(']}').digest('hex') };
}

export async function measureFetch(o: { base: string; pid: number | undefined; members: number; runs: number; pg?: { client: pg.Client; schema: string } | undefined }): Promise<FetchResult> {
  const before = rss(o.pid);
  const runs = await repeat(o.runs, () => askFetch(`${o.base}/fetch/`));
  const after = rss(o.pid);
  let pgTimes: Timing[] = [];
  let pgAgrees: boolean | null = null;
  if (o.pg) {
    const theirs = await repeat(o.runs, () => pgFetch(o.pg!.client, o.pg!.schema));
    pgAgrees = theirs.every((t) => t.md5 === runs[0]!.md5);
    pgTimes = theirs;
  }
  return {
    members: o.members,
    bytes: runs[0]!.bytes,
    runs: runs.map(({ firstByte, total }) => ({ firstByte, total })),
    firstByteP50: median(runs.map((r) => r.firstByte)),
    totalP50: median(runs.map((r) => r.total)),
    rssBeforeMiB: before?.current ?? null,
    rssAfterMiB: after?.current ?? null,
    rssPeakMiB: after?.peak ?? null,
    pg: o.pg ? { firstByteP50: median(pgTimes.map((t) => t.firstByte)), totalP50: median(pgTimes.map((t) => t.total)), runs: pgTimes.length } : null,
    pgAgrees,
  };
}
