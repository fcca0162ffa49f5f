// GET /api/v1/meta says whether the data are synthetic (made by the generator, whether by the
// default start or by `npm run generate` + `npm run import`), and names the import source by
// its kind and base name, never by a path of the server's file system or a database host.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../engine/db.ts';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { buildApp } from '../server/app.ts';
import { Engine } from '../engine/engine.ts';
import { publicSourceName } from '../server/meta-response.ts';
import { END, tempDir } from './helpers.ts';

const dir = tempDir('synth-');
const generated = join(dir.path, 'generated-views');
const real = join(dir.path, 'exported-views');

beforeAll(async () => {
  await generate({ views: 3_000, seed: 9, out: generated, end: END });
  // The same rows written again by a tool other than the generator: data from elsewhere.
  mkdirSync(real);
  const db = await Database.open(':memory:', { connections: 1 });
  try {
    for (const t of ['country', 'user', 'blog', 'blog_view']) {
      await db.query(`COPY (SELECT * FROM read_parquet($1)) TO $2 (FORMAT parquet)`, [join(generated, `${t}.parquet`), join(real, `${t}.parquet`)]);
    }
  } finally {
    db.close();
  }
});
afterAll(() => dir.cleanup());

async function metaOf(source: string, name: string): Promise<{ body: Record<string, unknown>; text: string }> {
  const db = join(dir.path, `${name}.duckdb`);
  await importSnapshot({ source, dbPath: db });
  const engine = await Engine.open(db);
  const app = await buildApp({ engine: () => engine });
  try {
    const res = await app.inject({ url: '/api/v1/meta' });
    expect(res.statusCode).toBe(200);
    return { body: res.json().snapshot as Record<string, unknown>, text: res.body };
  } finally {
    await app.close();
    engine.close();
  }
}

describe('snapshot meta', () => {
  it('marks generated data as synthetic and names the source folder by its base name', async () => {
    const { body, text } = await metaOf(generated, 'gen');
    expect(body).toMatchObject({ synthetic: true, source: 'generated-views', source_kind: 'parquet' });
    expect(text).not.toContain(dir.path);
  });

  it('does not mark data from elsewhere', async () => {
    const { body, text } = await metaOf(real, 'real');
    expect(body).toMatchObject({ synthetic: false, source: 'exported-views', source_kind: 'parquet' });
    expect(text).not.toContain(dir.path);
  });

  it('names files by base name and databases by name alone', () => {
    expect(publicSourceName({ source: '/home/ops/exports/old-service.sql', sourceKind: 'pg_dump' })).toBe('old-service.sql');
    expect(publicSourceName({ source: '/srv/exports/csv/', sourceKind: 'csv' })).toBe('csv');
    expect(publicSourceName({ source: 'postgres://analyst@db.internal.example:5432/blog_prod?sslmode=require', sourceKind: 'postgres' })).toBe('blog_prod');
    expect(publicSourceName({ source: 'postgres://db.internal.example', sourceKind: 'postgres' })).toBe('postgres');
  });
});
