// The fixture imported through the real pipeline and served: the members' activity
// endpoints over HTTP (inject), with a GET helper that writes request members as the query
// string (objects as JSON text).
import type { FastifyInstance } from 'fastify';
import { membersDataset } from '../engine/datasets/members/declaration.ts';
import { Engine } from '../engine/engine.ts';
import { buildApp } from '../server/app.ts';
import { STEADY_LIMITS, tempDir } from './helpers.ts';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../engine/db.ts';
import { importedFixture, membersDatabase } from './members-activity-db.ts';
import { membersFixture } from './members-activity-fixture.ts';
import type { MembersFixture } from './members-activity-fixture.ts';

export interface ServedFixture {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  get(path: string, members: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown>; raw: string; bytes: Buffer }>;
  close(): Promise<void>;
}

export async function serveFixture(fx: MembersFixture): Promise<ServedFixture> {
  const dir = tempDir('mact-');
  const engine = await Engine.open(await importedFixture(fx, dir.path), { dataset: membersDataset });
  const app = await buildApp({ engine: () => undefined, engines: (name) => (name === 'members' ? engine : undefined), limits: STEADY_LIMITS });
  return {
    engine,
    app,
    async get(path, members) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(members)) q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
      const r = await app.inject({ method: 'GET', url: `/api/v1/members/${path}?${q}` });
      const json = r.headers['content-type']?.toString().startsWith('application/json') ? (r.json() as Record<string, unknown>) : {};
      return { status: r.statusCode, body: json, raw: r.body, bytes: r.rawPayload };
    },
    async close() {
      await app.close();
      await engine.close();
      dir.cleanup();
    },
  };
}

/** What the activity tests read: the fixture, a database of its periods read plainly and
 *  one with the import's merged runs (membersDatabase), and the fixture served. */
export interface ActivityRig {
  readonly fx: MembersFixture;
  readonly plain: Database;
  readonly merged: Database;
  readonly served: ServedFixture;
}

/** Builds the rig before the file's tests (handed to `take`) and closes it after them,
 *  also when they fail. */
export function useActivityRig(take: (rig: ActivityRig) => void): void {
  let rig: Partial<ActivityRig> = {};
  beforeAll(async () => {
    const fx = membersFixture();
    const [plain, merged, served] = await Promise.all([membersDatabase(fx, false), membersDatabase(fx, true), serveFixture(fx)]);
    rig = { fx, plain, merged, served };
    take(rig as ActivityRig);
  });
  afterAll(async () => {
    rig.plain?.close();
    rig.merged?.close();
    await rig.served?.close();
  });
}
