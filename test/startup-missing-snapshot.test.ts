// A configured snapshot path that does not exist (a typo, an import not yet run) is not
// filled with generated data served as if real: the server listens, /ready answers 503, the
// log names the file, and a SIGHUP picks the file up once it is there. Generated data are
// built only for the default path, or when GENERATE_DEFAULT=1 asks for them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANALYTICS_DB, loadConfig } from '../server/config.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { END, tempDir } from './helpers.ts';
import { spawnMain } from './spawn-main.ts';

const dir = tempDir('missing-');
afterAll(() => dir.cleanup());

describe('npm start with ANALYTICS_DB naming a missing file', () => {
  it('is not ready, names the file, generates nothing, and serves the file after SIGHUP', async () => {
    const typo = join(dir.path, 'analytcs.duckdb');
    const server = await spawnMain({ ANALYTICS_DB: typo, RATE_LIMIT_PER_MINUTE: '0' });
    let code: number | null;
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ code: 'unavailable' });
      expect((await fetch(`${server.url}/api/v1/meta`)).status).toBe(503);
      expect(server.output()).toContain(`no snapshot at ${typo}`);
      expect(existsSync(typo)).toBe(false);

      // The import the user meant to run, then a reload: the file is served.
      const parquet = join(dir.path, 'parquet');
      await generate({ views: 3_000, seed: 4, out: parquet, end: END });
      await importSnapshot({ source: parquet, dbPath: typo });
      server.child.kill('SIGHUP');
      await server.waitFor(/SIGHUP: snapshot reloaded/);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      const meta = (await (await fetch(`${server.url}/api/v1/meta`)).json()) as { snapshot: { tables: Record<string, number>; synthetic: boolean } };
      expect(meta.snapshot.tables['blog_view']).toBe(3_000);
      // Made by `generate` and `import`: the data say they are synthetic.
      expect(meta.snapshot.synthetic).toBe(true);
    } finally {
      code = await server.stop();
    }
    expect(code).toBe(0);
  }, 60_000);
});

describe('GENERATE_DEFAULT', () => {
  it('generates only for the default path unless asked', () => {
    expect(loadConfig({}, false).generateDefault).toBe(true);
    expect(loadConfig({ ANALYTICS_DB: DEFAULT_ANALYTICS_DB }, false).generateDefault).toBe(true);
    expect(loadConfig({ ANALYTICS_DB: 'data/analytcs.duckdb' }, false).generateDefault).toBe(false);
    expect(loadConfig({ ANALYTICS_DB: '/srv/blog/snapshot.duckdb' }, false).generateDefault).toBe(false);
    expect(loadConfig({ ANALYTICS_DB: '/srv/blog/snapshot.duckdb', GENERATE_DEFAULT: '1' }, false).generateDefault).toBe(true);
    expect(loadConfig({ GENERATE_DEFAULT: '0' }, false).generateDefault).toBe(false);
    expect(() => loadConfig({ GENERATE_DEFAULT: 'yes please' }, false)).toThrow(/GENERATE_DEFAULT/);
  });
});
