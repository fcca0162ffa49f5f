// The browser tests' shared setup: generated snapshots (page-server.ts pageData), one server
// per option set on a real socket, and one Chromium, made before the file's tests and
// stopped after them, also when a test failed.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { tempDir } from './helpers.ts';
import { launchBrowser } from './page-browser.ts';
import { pageData, servePage } from './page-server.ts';
import type { PageData, PageServer } from './page-server.ts';

type ServerOptions = NonNullable<Parameters<typeof servePage>[1]>;

export interface PageRig {
  readonly data: PageData;
  /** The first server. */
  readonly server: PageServer;
  readonly servers: readonly PageServer[];
  readonly browser: Browser;
}

export function usePageRig(prefix: string, o: { views?: number; orders?: number; members?: number; servers?: readonly ServerOptions[] } = {}): PageRig {
  const dir = tempDir(prefix);
  let data: PageData | undefined;
  const servers: PageServer[] = [];
  let browser: Browser | undefined;
  beforeAll(async () => {
    data = await pageData(dir.path, o.views, o.orders, o.members);
    for (const options of o.servers ?? [{}]) servers.push(await servePage(data, options));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    for (const s of servers) await s.close().catch(() => {});
    await data?.close();
    dir.cleanup();
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`page rig: no ${what} (its setup failed)`);
    return v;
  };
  return {
    get data() { return ready(data, 'data'); },
    get server() { return ready(servers[0], 'server'); },
    get servers() { return servers; },
    get browser() { return ready(browser, 'browser'); },
  };
}
