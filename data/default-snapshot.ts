// The data set a new user gets on the first `npm start`: a million generated views
// ending now, so that every rolling window has answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotMeta } from '../engine/meta.ts';
import { generate } from './generate.ts';
import { importSnapshot } from './import.ts';

export const DEFAULT_VIEWS = 1_000_000;

export interface DefaultSnapshotOptions {
  /** Views to generate (tests use fewer). */
  readonly views?: number;
  /** Where the temporary Parquet folder is made (default: the system's temp folder). */
  readonly tmpRoot?: string;
}

export async function buildDefaultSnapshot(dbPath: string, log: (line: string) => void, options: DefaultSnapshotOptions = {}): Promise<SnapshotMeta> {
  const views = options.views ?? DEFAULT_VIEWS;
  // A fresh folder of our own: the only thing removed afterwards is what this run made, never
  // a folder a user may keep files in (such as `data/generated`, `npm run generate`'s default).
  const own = mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'bae-default-'));
  // The snapshot's meta names the source folder by its base name: "generated".
  const out = join(own, 'generated');
  try {
    // Ending now (to the minute), not at midnight, so that even `range=day` has answers.
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await generate({ views, seed: 42, out, end });
    log(`generated ${views} synthetic views into ${out}`);
    return await importSnapshot({ source: out, dbPath, log });
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
}
