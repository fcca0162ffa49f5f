// Shared test fixtures: temporary folders and small generated data sets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../data/generate.ts';
import { importSnapshot } from '../data/import.ts';

export const END = new Date('2026-11-01T00:00:00Z');

export function tempDir(prefix = 'bae-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Generates `views` views into dir/parquet and imports them into dir/snap.duckdb. */
export async function generatedSnapshot(dir: string, views = 20_000, seed = 7): Promise<{ parquet: string; db: string }> {
  const parquet = join(dir, 'parquet');
  const db = join(dir, 'snap.duckdb');
  await generate({ views, seed, out: parquet, end: END });
  await importSnapshot({ source: parquet, dbPath: db });
  return { parquet, db };
}
