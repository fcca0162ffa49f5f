// The PostgreSQL side of the tests lives in data/pg-load.ts (the benchmark uses it too).
import { describe, expect, it } from 'vitest';
import { PGURL, pgReachable } from '../data/pg-load.ts';

export { PGURL, dropSchema, loadDjangoSchema, pgReachable } from '../data/pg-load.ts';

/** Running in CI (CI=true, as CI services set it): there, tests that need PostgreSQL fail
 *  when it does not answer instead of being skipped. */
export const IN_CI = /^(true|1)$/i.test(process.env['CI'] ?? '');

/** Whether PostgreSQL answers at PGURL, for a test file whose `what` needs it. Outside CI a
 *  missing server skips them and says why; in CI the file gets a test that fails, naming
 *  PGURL, so that a missing server is never a silent skip. */
export async function postgresForTests(what: string): Promise<boolean> {
  const reachable = await pgReachable();
  if (!reachable && !IN_CI) console.log(`PostgreSQL is not reachable at ${PGURL}: ${what} are skipped (with CI=true they fail)`);
  describe.runIf(IN_CI || reachable)('PostgreSQL for the tests', () => {
    it('answers at PGURL', () => {
      expect(reachable, `PostgreSQL is unreachable at ${PGURL} (CI=true: ${what} must run; set PGURL or start the server)`).toBe(true);
    });
  });
  return reachable;
}
