import { mkdirSync, createWriteStream } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { loadDjangoSchema, PGURL } from './test/pg-fixture.ts';
import { importSnapshot } from './data/import.ts';
const schema = 'bae_bench10m';
const work = '/tmp/imp10';
mkdirSync(work, { recursive: true }); mkdirSync(`${work}/csv`, { recursive: true });
let t = performance.now();
await loadDjangoSchema(schema, '/tmp/gen10m', work);
console.log('load into PG', ((performance.now() - t) / 1000).toFixed(1), 's');
const client = new pg.Client({ connectionString: PGURL }); await client.connect(); await client.query("SET TIME ZONE 'UTC'");
t = performance.now();
for (const tb of ['analytics_app_country', 'auth_user', 'analytics_app_blog', 'analytics_app_blogview'])
  await pipeline(client.query(copyTo(`COPY ${schema}.${tb} TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(`${work}/csv/${tb}.csv`));
await client.end();
console.log('COPY to CSV', ((performance.now() - t) / 1000).toFixed(1), 's');
t = performance.now();
execFileSync('pg_dump', ['--dbname', PGURL, '--schema', schema, '--no-owner', '-f', `${work}/dump.sql`]);
console.log('pg_dump', ((performance.now() - t) / 1000).toFixed(1), 's');
for (const [name, src, extra] of [['parquet', '/tmp/gen10m', {}], ['csv', `${work}/csv`, {}], ['pg_dump', `${work}/dump.sql`, {}], ['live', PGURL, { schema }]] as const) {
  t = performance.now();
  await importSnapshot({ source: src, dbPath: `${work}/${name}.duckdb`, ...extra });
  const s = (performance.now() - t) / 1000;
  console.log(`import ${name}: ${s.toFixed(1)} s, ${Math.round(10_000_000 / s)} views/s`);
}
