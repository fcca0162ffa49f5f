// The server the page's browser tests talk to: small generated snapshots of the blog, the
// marketplace and (when asked for) the members, ending at END; the page built from page/ into
// the test's own folder, and the app on a random loopback port. `close` releases everything,
// whatever failed before.
import { join } from 'node:path';
import { Engine } from '../engine/engine.ts';
import { marketplaceDataset } from '../engine/datasets/marketplace/declaration.ts';
import { generateMarketplace } from '../data/marketplace/generate.ts';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { generateMembers } from '../data/members/generate.ts';
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
  /** The members' engine, where pageData was asked for members. */
  readonly members: Engine | undefined;
  /** Views in the blog snapshot. */
  readonly views: number;
  close(): Promise<void>;
}

/** Builds the page and the snapshots (a few seconds); the members' only with `members` > 0. */
export async function pageData(dir: string, views = 6_000, orders = 1_200, members = 0): Promise<PageData> {
  const pageDir = join(dir, 'page');
  const marketParquet = join(dir, 'market-parquet');
  const marketDb = join(dir, 'market.duckdb');
  const membersParquet = join(dir, 'members-parquet');
  const membersDb = join(dir, 'members.duckdb');
  const [{ db }] = await Promise.all([
    generatedSnapshot(join(dir, 'blog'), views, 11),
    buildPage(pageDir),
    generateMarketplace({ orders, seed: 12, out: marketParquet, end: END }).then(() => importSnapshot({ source: marketParquet, dbPath: marketDb, dataset: marketplaceDataset })),
    members > 0 ? generateMembers({ members, seed: 13, out: membersParquet, end: END }).then(() => importSnapshot({ source: membersParquet, dbPath: membersDb, dataset: membersDataset })) : undefined,
  ]);
  const opened: Engine[] = [];
  try {
    const blog = await Engine.open(db);
    opened.push(blog);
    const market = await Engine.open(marketDb, { dataset: marketplaceDataset });
    opened.push(market);
    const member = members > 0 ? await Engine.open(membersDb, { dataset: membersDataset }) : undefined;
    if (member) opened.push(member);
    return { pageDir, blog, market, members: member, views, close: async () => void (await Promise.all(opened.map((e) => e.close()))) };
  } catch (e) {
    await Promise.all(opened.map((x) => x.close()));
    throw e;
  }
}

export interface PageServer {
  readonly base: string;
  close(): Promise<void>;
}

export async function servePage(data: PageData, options: Omit<AppOptions, 'engine' | 'engines' | 'pageDir'> = {}): Promise<PageServer> {
  const app = await buildApp({ limits: STEADY_LIMITS, ...options, engine: () => data.blog, engines: (name) => (name === 'marketplace' ? data.market : name === 'members' ? data.members : undefined), pageDir: data.pageDir });
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { base, close: () => app.close() };
  } catch (e) {
    await app.close();
    throw e;
  }
}
