// The engine the server talks to: an open snapshot and the questions it answers. The
// server hands it plain query specs and gets plain rows back; it never sees SQL.
import { existsSync } from 'node:fs';
import { Database } from './db.ts';
import type { Catalog } from './catalog.ts';
import { blogCatalog } from './catalog.ts';
import { buildFields } from './fields.ts';
import type { FieldDef } from './fields.ts';
import { readMeta } from './meta.ts';
import type { SnapshotMeta } from './meta.ts';

export interface EngineOptions {
  readonly catalog?: Catalog;
  /** DuckDB threads; default: every core. */
  readonly threads?: number;
}

export class Engine {
  readonly fields: ReadonlyMap<string, FieldDef>;

  private constructor(
    readonly db: Database,
    readonly catalog: Catalog,
    readonly meta: SnapshotMeta,
  ) {
    this.fields = buildFields(catalog);
  }

  /** Opens a snapshot file read-only. */
  static async open(path: string, options: EngineOptions = {}): Promise<Engine> {
    if (!existsSync(path)) throw new Error(`no snapshot at ${path}`);
    const db = await Database.open(path, { readOnly: true, ...(options.threads ? { threads: options.threads } : {}) });
    try {
      return new Engine(db, options.catalog ?? blogCatalog, await readMeta(db));
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }
}
