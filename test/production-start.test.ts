// `npm start` runs the compiled server (dist/), with no TypeScript loader: the worker pool
// and the debug SQL sandbox processes load their compiled siblings, nothing dist/ imports
// is a devDependency, the pid the start-up log names is the server's own (the one to send
// SIGHUP to), SIGHUP reloads and SIGTERM ends it with code 0.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siblingEntry } from '../engine/sibling-entry.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { killAfterTest, serverLog } from './server-log.ts';

const dir = tempDir('prod-start-');
let small: string;
let larger: string;

beforeAll(async () => {
  // The build npm start runs first (incremental: quick when dist/ is up to date).
  execFileSync(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'pipe' });
  small = (await generatedSnapshot(join(dir.path, 'a'), 3_000, 1)).db;
  larger = (await generatedSnapshot(join(dir.path, 'b'), 4_000, 2)).db;
});
afterAll(() => dir.cleanup());

/** Every file under `root`, recursively. */
function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('the compiled server', () => {
  it('imports, at run time, only Node built-ins, its own files and production dependencies', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const outside: string[] = [];
    for (const part of ['server', 'engine', 'data']) {
      for (const file of files(join('dist', part)).filter((f) => f.endsWith('.js'))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:^|\n)\s*import\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
          const spec = (m[1] ?? m[2])!;
          if (spec.startsWith('.')) {
            expect(spec, `${file} imports ${spec}`).not.toMatch(/\.ts$/);
            continue;
          }
          if (spec.startsWith('node:') || builtins.has(spec)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!(name in pkg.dependencies)) outside.push(`${file}: ${spec}`);
        }
      }
    }
    // Not vacuous: the server's own entry imports fastify.
    expect(readFileSync(join('dist', 'server', 'app.js'), 'utf8')).toMatch(/from 'fastify'/);
    expect(outside).toEqual([]);
  });

  it('picks the .ts sibling through tsx from TypeScript, the .js one as it is from JavaScript', () => {
    const ts = siblingEntry('worker', 'file:///app/engine/pool.ts');
    expect(ts.url.pathname).toBe('/app/engine/worker.ts');
    expect(ts.execArgv).toEqual(['--import', 'tsx']);
    const js = siblingEntry('worker', 'file:///app/dist/engine/pool.js');
    expect(js.url.pathname).toBe('/app/dist/engine/worker.js');
    expect(js.execArgv).toEqual([]);
  });

  it('serves from dist/ with workers and SQL sandboxes, logs its own pid, reloads on SIGHUP to it and exits 0 on SIGTERM', async () => {
    const db = join(dir.path, 'served.duckdb');
    copyFileSync(small, db);
    const token = 'prod-start-debug-token-0123456789';
    const child = spawn(process.execPath, [join('dist', 'server', 'main.js')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ANALYTICS_DB: db, WORKERS: '1', DEBUG_TOKEN: token, SQL_PROCESSES: '1', RATE_LIMIT_PER_MINUTE: '0' },
      stdio: 'pipe',
    });
    killAfterTest(child);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const log = serverLog(child);
    const ready = await log.waitFor((l) => typeof l.msg === 'string' && l.msg.includes('kill -HUP'));
    // The pid named in the line (and in its pid field) is the process that was spawned.
    expect(ready['pid']).toBe(child.pid);
    expect(ready.msg).toContain(`kill -HUP ${child.pid}`);
    expect(ready['version']).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const base = String(ready['url']).replace(/\/$/, '');
    expect(ready['docs']).toBe(`${base}/docs`);
    expect(ready.msg).toContain(`${base}/docs`);

    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    const snapshotLine = log.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith(`snapshot ${db}`));
    expect(snapshotLine?.msg).toMatch(/3,000 blog_view/);
    expect(snapshotLine?.msg).toMatch(/imported \d+ (s|min|h|days) ago/);

    // A query answered by the worker pool and one by a sandbox process: both load dist/.
    const views = await fetch(`${base}/api/v1/analytics/top?top=blog&start=2000-01-01&end=2030-01-01`);
    expect(views.status).toBe(200);
    const sql = await fetch(`${base}/api/v1/debug/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM fact_view' }),
    });
    expect(sql.status).toBe(200);
    expect(((await sql.json()) as { rows: unknown[][] }).rows[0]![0]).toBe(3000);

    // A new import put in place, then SIGHUP to the logged pid: the server serves it.
    copyFileSync(larger, `${db}.new`);
    renameSync(`${db}.new`, db);
    process.kill(Number(ready['pid']), 'SIGHUP');
    await log.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('SIGHUP: snapshot reloaded'));
    const meta = (await (await fetch(`${base}/api/v1/meta`)).json()) as { snapshot: { tables: Record<string, number> } };
    expect(meta.snapshot.tables['blog_view']).toBe(4000);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
