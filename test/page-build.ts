// The page as the tests use it: built by Vite from page/ (the same config as
// `npm run build:page`) into a folder of the test's own, so that a test never serves a
// stale dist/page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

export async function buildPage(outDir: string): Promise<void> {
  await build({ configFile: fileURLToPath(new URL('../page/vite.config.ts', import.meta.url)), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
}

export interface BuiltFile {
  readonly path: string;
  readonly bytes: number;
  readonly gzipped: number;
}

/** Every file of a built page with its size, raw and gzipped (level 9, as a server would). */
export function builtFiles(dir: string, sub = ''): BuiltFile[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const path = join(sub, e.name);
    if (e.isDirectory()) return builtFiles(dir, path);
    const data = readFileSync(join(dir, path));
    return [{ path, bytes: data.length, gzipped: gzipSync(data, { level: 9 }).length }];
  });
}
