// A debug-SQL query under way when a reload retires its engine finishes on it: the retired
// engine waits for it, as it waits for analytics queries, before it stops its sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine.ts';
import { generatedSnapshot, tempDir } from './helpers.ts';

const dir = tempDir('adhoc-reload-');
let db: string;

beforeAll(async () => {
  ({ db } = await generatedSnapshot(dir.path, 5_000, 21));
});
afterAll(() => dir.cleanup());

describe('ad-hoc SQL across a reload', () => {
  it('a query in flight when the engine is retired still answers, and the engine closes after it', async () => {
    const engine = await Engine.open(db, { sandbox: { processes: 1 } });
    await engine.sandbox!.warm();
    let closed = false;
    void engine.released.then(() => (closed = true));
    // Long enough to be under way when retire() is called (a sum over 200M rows).
    const answer = engine.adhoc({ sql: 'SELECT sum(i) AS s FROM range(200000000) t(i)', params: [], format: 'json', maxRows: 10, timeoutMs: 60_000, explain: false, maxBytes: 1 << 20 });
    engine.retire();
    const a = await answer;
    expect(JSON.parse(Buffer.from(a.body).toString('utf8')).rows).toEqual([['19999999900000000']]);
    await engine.released;
    expect(closed).toBe(true);
  });
});
