// The data set a new user gets on the first `npm start`: a million generated views
// ending now, so that every rolling window has answers.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SnapshotMeta } from '../engine/meta.ts';
import { generate } from './generate.ts';
import { importSnapshot } from './import.ts';

export const DEFAULT_VIEWS = 1_000_000;

export async function buildDefaultSnapshot(dbPath: string, log: (line: string) => void): Promise<SnapshotMeta> {
  const out = join(dirname(dbPath), 'generated');
  // Ending now (to the minute), not at midnight, so that even `range=day` has answers.
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  await generate({ views: DEFAULT_VIEWS, seed: 42, out, end });
  log(`generated ${DEFAULT_VIEWS} views into ${out}`);
  try {
    return await importSnapshot({ source: out, dbPath, log });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
