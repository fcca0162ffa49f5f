// The server the page's browser tests talk to: small generated snapshots of the blog and the
// marketplace (ending at END), the page built from page/ into the test's own folder, and the
// app on a random loopback port. `close` releases everything, whatever failed before.
import { join } from 'node:path';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { importSnapshot } from '../data/import.ts';
import { buildApp } from '../server/app.ts';
import type { AppOptions } from '../server/app.ts';
import { END, generatedSnapshot, STEADY_LIMITS } from './helpers.ts';
import { buildPage } from './page-build.ts';

/** "Now" for every view of the tests: the generated data end here. */
export const AS_OF = END.toISOString();

export interface PageData {
  readonly pageDir: string;
  readonly blog: Engine;
  readonly market: Engine;
  /** Views in the blog snapshot. */
  readonly views: number;
  close(): void;
}

/** Builds the page and both snapshots (a few seconds). */
export async function pageData(dir: string, views = 6_000, orders = 1_200): Promise<PageData> {
  const pageDir = join(dir, 'page');
  const marketParquet = join(dir, 'market-parquet');
  const marketDb = join(dir, 'market.duckdb');
  const [{ db }] = await Promise.all([
    generatedSnapshot(join(dir, 'blog'), views, 11),
    buildPage(pageDir),
    generateMarketplace({ orders, seed: 12, out: marketParquet, end: END }).then(() => importSnapshot({ source: marketParquet, dbPath: marketDb, dataset: marketplaceDataset })),
  ]);
  const blog = await Engine.open(db);
  let market: Engine;
  try {
    market = await Engine.open(marketDb, { dataset: marketplaceDataset });
  } catch (e) {
    blog.close();
    throw e;
  }
  return { pageDir, blog, market, views, close: () => { blog.close(); market.close(); } };
}

export interface PageServer {
  readonly base: string;
  close(): Promise<void>;
}

export async function servePage(data: PageData, options: Omit<AppOptions, 'engine' | 'engines' | 'pageDir'> = {}): Promise<PageServer> {
  const app = await buildApp({ limits: STEADY_LIMITS, ...options, engine: () => data.blog, engines: (name) => (name === 'marketplace' ? data.market : undefined), pageDir: data.pageDir });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { base, close: () => app.close() };
  } catch (e) {
    await app.close();
    throw e;
  }
}
