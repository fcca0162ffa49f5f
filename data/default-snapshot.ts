// The data sets a new user gets on the first `npm start`: for the blog a million generated
// views ending now, for the marketplace 200,000 generated orders ending now, for the members
// 50,000 generated members with three periods each ending by now, so that every rolling
// window has answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotMeta } from '../engine/meta.ts';
import { datasetNamed } from '../engine/datasets/index.ts';
import { generate } from './generate.ts';
import { generateMarketplace } from './marketplace/generate.ts';
import { generateMembers } from './members/generate.ts';
import { importSnapshot } from './import.ts';

export const DEFAULT_VIEWS = 1_000_000;
export const DEFAULT_ORDERS = 200_000;
export const DEFAULT_MEMBERS = 50_000;

export interface DefaultSnapshotOptions {
  /** The dataset (default: the blog). */
  readonly dataset?: 'blog' | 'marketplace' | 'members';
  /** Views to generate (tests use fewer). */
  readonly views?: number;
  /** Orders to generate, for the marketplace (tests use fewer). */
  readonly orders?: number;
  /** Members to generate, for the members dataset (tests use fewer). */
  readonly members?: number;
  /** Where the temporary Parquet folder is made (default: the system's temp folder). */
  readonly tmpRoot?: string;
}

export async function buildDefaultSnapshot(dbPath: string, log: (line: string) => void, options: DefaultSnapshotOptions = {}): Promise<SnapshotMeta> {
  const dataset = options.dataset ?? 'blog';
  // A fresh folder of our own: the only thing removed afterwards is what this run made, never
  // a folder a user may keep files in (such as `data/generated`, `npm run generate`'s default).
  const own = mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'bae-default-'));
  // The snapshot's meta names the source folder by its base name: "generated".
  const out = join(own, 'generated');
  try {
    // Ending now (to the minute), not at midnight, so that even `range=day` has answers.
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    if (dataset === 'members') {
      const members = options.members ?? DEFAULT_MEMBERS;
      await generateMembers({ members, seed: 42, out, end });
      log(`generated ${members} synthetic members into ${out}`);
    } else if (dataset === 'marketplace') {
      const orders = options.orders ?? DEFAULT_ORDERS;
      await generateMarketplace({ orders, seed: 42, out, end });
      log(`generated ${orders} synthetic orders into ${out}`);
    } else {
      const views = options.views ?? DEFAULT_VIEWS;
      await generate({ views, seed: 42, out, end });
      log(`generated ${views} synthetic views into ${out}`);
    }
    return await importSnapshot({ source: out, dbPath, log, dataset: datasetNamed(dataset) });
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
}
