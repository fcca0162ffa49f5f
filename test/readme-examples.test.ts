// Every `curl` example of README.md, run with the real curl against a server over a
// default-like data set (the generator's, ending now, as the first `npm start` makes it),
// answers 200 with data. Examples with API keys run against a server with the README's
// keys; DEBUG_TOKEN is set for the server and in curl's environment, as the README assumes.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { generateMembers } from '../data/members/generate.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { serveSnapshot, STEADY_LIMITS, tempDir } from './helpers.ts';
import type { Served } from './helpers.ts';

const run = promisify(execFile);
const DEBUG_TOKEN = 'readme-debug-token-0123456789';
const dir = tempDir('readme-');
let open: Served;
let keyed: Served;
let market: Engine;
let members: Engine;

interface Example {
  readonly command: string;
  /** The README's trailing comment may name another status (`# 401 ...`). */
  readonly status: number;
  readonly keys: boolean;
}

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const API_KEYS = /export API_KEYS='([^']+)'/.exec(readme)?.[1] ?? '';
const secrets = API_KEYS.split(',').map((p) => p.slice(p.indexOf(':') + 1));

function examples(): Example[] {
  const out: Example[] = [];
  for (const block of readme.matchAll(/^ *```sh\n([\s\S]*?)^ *```/gm)) {
    const text = block[1]!.replace(/\\\n\s*/g, ' ');
    const keysBlock = text.includes('export API_KEYS=');
    for (const raw of text.split('\n')) {
      // Without its trailing comment (a '#' after the command, no quote after it).
      const line = raw.trim().replace(/\s+#\s[^'"]*$/, '');
      if (!line.startsWith('curl ')) continue;
      const status = Number(/#\s*(\d{3})\b/.exec(raw)?.[1] ?? 200);
      out.push({ command: line, status, keys: keysBlock || secrets.some((s) => s && line.includes(s)) });
    }
  }
  return out;
}

beforeAll(async () => {
  // As the default snapshot: the generator's data ending now (to the minute), so that every
  // rolling window holds views.
  const parquet = join(dir.path, 'parquet');
  const db = join(dir.path, 'snap.duckdb');
  await generate({ views: 50_000, seed: 42, out: parquet, end: new Date(Math.floor(Date.now() / 60_000) * 60_000) });
  await importSnapshot({ source: parquet, dbPath: db });
  // The marketplace's default, smaller.
  const marketParquet = join(dir.path, 'market-parquet');
  const marketDb = join(dir.path, 'marketplace.duckdb');
  await generateMarketplace({ orders: 20_000, seed: 42, out: marketParquet, end: new Date(Math.floor(Date.now() / 60_000) * 60_000) });
  await importSnapshot({ source: marketParquet, dbPath: marketDb, dataset: marketplaceDataset });
  market = await Engine.open(marketDb, { dataset: marketplaceDataset });
  // The members' default, smaller.
  const membersParquet = join(dir.path, 'members-parquet');
  const membersDb = join(dir.path, 'members.duckdb');
  await generateMembers({ members: 5_000, seed: 42, out: membersParquet, end: new Date(Math.floor(Date.now() / 60_000) * 60_000) });
  await importSnapshot({ source: membersParquet, dbPath: membersDb, dataset: membersDataset });
  members = await Engine.open(membersDb, { dataset: membersDataset });
  const engines: Record<string, Engine> = { marketplace: market, members };
  const options = { debugToken: DEBUG_TOKEN, limits: STEADY_LIMITS, engines: (name: string) => engines[name] };
  open = await serveSnapshot(db, { ...options, reload: async () => open.engine.meta });
  keyed = await serveSnapshot(db, { ...options, accessKeys: API_KEYS.split(',').map((p) => ({ name: p.slice(0, p.indexOf(':')), secret: p.slice(p.indexOf(':') + 1) })) });
}, 120_000);
afterAll(async () => {
  await open?.close();
  await keyed?.close();
  await market?.close();
  await members?.close();
  dir.cleanup();
});

describe('README examples', () => {
  it('finds the curl examples', () => {
    expect(examples().length).toBeGreaterThan(20);
    expect(examples().filter((e) => e.keys).length).toBeGreaterThan(2);
  });

  it('answer each with data', async () => {
    const failures: string[] = [];
    for (const [i, ex] of examples().entries()) {
      const server = ex.keys ? keyed : open;
      const host = new URL(server.base).host;
      const out = join(dir.path, `out-${i}`);
      // The README's own output file, if any, is replaced by ours; curl reports the status.
      const command = `${ex.command.replaceAll('localhost:3000', host).replace(/\s-o\s+\S+/, '')} -o '${out}' -w '%{http_code}'`;
      const { stdout, stderr } = await run('bash', ['-c', command], { cwd: dir.path, env: { ...process.env, DEBUG_TOKEN } }).catch((e: { stdout: string; stderr: string }) => e);
      const status = Number(stdout.trim());
      if (status !== ex.status) {
        const said = existsSync(out) ? readFileSync(out, 'utf8').slice(0, 300) : stderr;
        failures.push(`${ex.command}: ${status} (expected ${ex.status}): ${said}`);
        continue;
      }
      if (status !== 200) continue;
      const body = readFileSync(out);
      const text = body.toString('utf8');
      let empty = body.length === 0;
      if (!empty && /^\s*[{[]/.test(text)) {
        const json = JSON.parse(text) as Record<string, unknown>;
        if (Array.isArray(json['data'])) empty = json['data'].length === 0;
        else if (Array.isArray(json['members'])) empty = json['members'].length === 0;
        else if (Array.isArray(json['rows'])) empty = json['rows'].length === 0;
      } else if (!empty && /format=csv|text\/csv/.test(ex.command)) empty = text.trim().split('\n').length < 2;
      if (empty) failures.push(`${ex.command}: no data: ${text.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
