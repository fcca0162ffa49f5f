// The name and version of the package, for the start-up log: read from package.json, found
// by walking up from this module (server/ under tsx, dist/server/ once compiled).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

export function packageInfo(from: string = import.meta.url): PackageInfo {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      return { name: pkg.name ?? 'unknown', version: pkg.version ?? 'unknown' };
    }
    const up = dirname(dir);
    if (up === dir) return { name: 'unknown', version: 'unknown' };
    dir = up;
  }
}
