// /fetch/ is streamed (SPEC-members section 2: "a million members are served in flat
// memory"): the real server (server/main.ts) answers 100,000 generated members (~32 MB of
// JSON) to a client that reads slowly, while the test samples the server's resident memory
// (/proc) and its JavaScript heap (/metrics). Built whole, the answer's text alone would
// grow the heap by its size; streamed, the heap holds a page of members at a time. The
// answer read is checked against the source: every member once, in id order.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMembers } from '../data/members/generate.ts';
import { END, tempDir } from './helpers.ts';
import { spawnMain } from './spawn-main.ts';

const MEMBERS = 100_000;
const dir = tempDir('mfetchmem-');
afterAll(() => dir.cleanup());

const MiB = 2 ** 20;
const OLD_SPACE_MIB = 56;
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

async function heapOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text)![1]);
}

describe.runIf(process.platform === 'linux')('GET /fetch/ in flat memory', () => {
  it('streams 100,000 members with the heap growing by a fraction of the answer', async () => {
    const parquet = join(dir.path, 'parquet');
    await generateMembers({ members: MEMBERS, seed: 3, out: parquet, end: END });
    await importSnapshot({ source: parquet, dbPath: join(dir.path, 'data', 'members.duckdb'), dataset: membersDataset });
    const db = await Database.open(':memory:', { connections: 1 });
    const sourceIds = (await db.query(`SELECT CAST(id AS VARCHAR) AS id FROM read_parquet($1)`, [join(parquet, 'member.parquet')])).rows.map((r) => String(r['id']));
    db.close();

    // The server's old space is capped: an answer built whole (its text alone 30 MiB, its rows
    // as objects several times that) would not fit beside the server's own ~40 MiB.
    const server = await spawnMain({ DATA_DIR: join(dir.path, 'data'), GENERATE_DEFAULT: '0', RATE_LIMIT_PER_MINUTE: '0', NODE_OPTIONS: `--max-old-space-size=${OLD_SPACE_MIB}` });
    try {
      const pid = server.child.pid!;
      // Warm: the snapshot open, a page read, the metrics registered.
      expect((await fetch(`${server.url}/fetch/?limit=100`)).status).toBe(200);
      const rss0 = rssOf(pid);
      const heap0 = await heapOf(server.url);
      let rssMax = rss0;
      let heapMax = heap0;
      const res = await fetch(`${server.url}/fetch/`);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let bytes = 0;
      let chunks = 0;
      let tail = '';
      const ids: string[] = [];
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        // Member ids and their period counts as they pass, without keeping the text.
        const text = tail + decoder.decode(value, { stream: true });
        const cut = text.lastIndexOf('{"id":"');
        for (const m of text.slice(0, cut).matchAll(/\{"id":"([0-9a-f-]{36})"/g)) ids.push(m[1]!);
        tail = text.slice(Math.max(0, cut));
        // Sample now and then, as a slow client would let the server wait.
        if (++chunks % 40 === 0) {
          rssMax = Math.max(rssMax, rssOf(pid));
          heapMax = Math.max(heapMax, await heapOf(server.url));
        }
      }
      for (const m of tail.matchAll(/\{"id":"([0-9a-f-]{36})"/g)) ids.push(m[1]!);
      rssMax = Math.max(rssMax, rssOf(pid));
      console.log(
        `/fetch/ of ${MEMBERS} members: ${(bytes / MiB).toFixed(1)} MiB in ${chunks} chunks; server RSS ${(rss0 / MiB).toFixed(1)} +${((rssMax - rss0) / MiB).toFixed(1)} MiB, ` +
          `heap ${(heap0 / MiB).toFixed(1)} +${((heapMax - heap0) / MiB).toFixed(1)} MiB (old space capped at ${OLD_SPACE_MIB} MiB)`,
      );
      expect(ids.length).toBe(MEMBERS);
      expect(ids).toEqual(sourceIds.sort());
      expect(chunks).toBeGreaterThan(40);
      // The answer's text alone is `bytes`: the heap never held it (garbage included).
      expect(heapMax - heap0).toBeLessThan(bytes * 0.75);
      // Resident memory grows by what DuckDB caches of the file's blocks (at most the file;
      // in general its memory limit), the heap up to its cap, and V8's young generation and
      // DuckDB's working memory of one page (a few dozen MiB): bounds that do not grow with
      // the answer.
      const file = statSync(join(dir.path, 'data', 'members.duckdb')).size;
      expect(rssMax - rss0).toBeLessThan(file + OLD_SPACE_MIB * MiB + 48 * MiB);
    } finally {
      await server.stop();
    }
  }, 300_000);
});
