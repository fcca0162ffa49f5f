// The PostgreSQL side of the tests lives in data/pg-load.ts (the benchmark uses it too).
export { PGURL, dropSchema, loadDjangoSchema, pgReachable } from '../data/pg-load.ts';

/** Running in CI (CI=true, as CI services set it): there, tests that need PostgreSQL fail
 *  when it does not answer instead of being skipped. */
export const IN_CI = /^(true|1)$/i.test(process.env['CI'] ?? '');
