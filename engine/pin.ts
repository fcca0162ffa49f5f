// Pinning a snapshot file: an import replaces the file at the public path by a rename, so
// whatever opens that path later (a worker's first query, a worker that replaced a dead
// one, the debug sandbox) could read a newer snapshot than the one the engine announced.
// A hard link under a private name beside it points at the very file the engine opened,
// whatever is renamed over the public path meanwhile; it is removed when the engine
// closes, and links left by a process that died are removed by the next open. A link is
// named for the host and process that made it: a process of another host (or container)
// sharing the folder cannot be seen, so its links are left alone.
import { randomBytes } from 'node:crypto';
import { linkSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export interface Pin {
  /** The name to open: the pinned link, or the public path where no link could be made. */
  readonly file: string;
  /** Removes the link (idempotent). */
  release(): void;
}

const SUFFIX = /^\.pin-(.+)-(\d+)-[0-9a-f]+$/;

/** This host's name as it appears in a link's name. */
export const pinHost = (): string => hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';

/** The pinned links of the snapshot at `path`, with the host and process that made each. */
export function pinsOf(path: string): { file: string; host: string; pid: number }[] {
  const abs = resolve(path);
  const base = basename(abs);
  const out: { file: string; host: string; pid: number }[] = [];
  for (const name of readdirSync(dirname(abs))) {
    const m = name.startsWith(base) ? SUFFIX.exec(name.slice(base.length)) : null;
    if (m) out.push({ file: join(dirname(abs), name), host: m[1]!, pid: Number(m[2]) });
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Links the file now at `path` under a private name ('no snapshot at' where none is).
 *  Where the directory allows no link (read-only, a file system without hard links) the
 *  public path is used as it is: the snapshot id the workers check still keeps answers
 *  from mixing snapshots, but a worker opened after an import then refuses to answer. */
export function pinSnapshot(path: string): Pin {
  const abs = resolve(path);
  const host = pinHost();
  for (const p of pinsOf(abs)) if (p.host === host && p.pid !== process.pid && !alive(p.pid)) rmSync(p.file, { force: true });
  const file = `${abs}.pin-${host}-${process.pid}-${randomBytes(8).toString('hex')}`;
  try {
    linkSync(abs, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no snapshot at ${path}`);
    return { file: abs, release: () => {} };
  }
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      try {
        rmSync(file, { force: true });
      } catch {
        // Left behind; the next open removes it once this process has ended.
      }
    },
  };
}
