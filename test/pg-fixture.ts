// The PostgreSQL side of the tests lives in data/pg-load.ts (the benchmark uses it too).
export { PGURL, dropSchema, loadDjangoSchema, pgReachable } from '../data/pg-load.ts';
