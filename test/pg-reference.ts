// A reference read from PostgreSQL itself: the spec's columns of the old service's Django
// tables in `schema`, fetched with the `pg` client (timestamps as UTC text, to the
// microsecond), written as JSON and read into a DuckDB of their own (reference.ts). Tests
// compare snapshots imported from PostgreSQL exports with it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../engine/db.ts';
import { PGURL } from './pg-fixture.ts';
import { SPEC_COLUMNS, SPEC_TABLES, jsonReference } from './reference.ts';

const DJANGO: Record<(typeof SPEC_TABLES)[number], string> = {
  country: 'analytics_app_country',
  user: 'auth_user',
  blog: 'analytics_app_blog',
  blog_view: 'analytics_app_blogview',
};

export async function postgresReference(schema: string, workDir: string): Promise<Database> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name must be a plain identifier, got '${schema}'`);
  const client = new pg.Client({ connectionString: PGURL });
  await client.connect();
  try {
    for (const t of SPEC_TABLES) {
      const cols = Object.entries(SPEC_COLUMNS[t]);
      const select = cols.map(([c, type]) =>
        type === 'TIMESTAMP' ? `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ${c}` : type === 'VARCHAR' ? c : `${c}::text AS ${c}`,
      );
      const { rows } = await client.query<Record<string, string | null>>(`SELECT ${select.join(', ')} FROM ${schema}.${DJANGO[t]} ORDER BY id`);
      // Integers arrive as text (int8 exceeds JS numbers in general); these are small.
      const out = rows.map((r) => Object.fromEntries(cols.map(([c, type]) => [c, type === 'BIGINT' || type === 'INTEGER' ? (r[c] === null ? null : Number(r[c])) : r[c]])));
      writeFileSync(join(workDir, `${t}.json`), JSON.stringify(out));
    }
  } finally {
    await client.end();
  }
  return jsonReference(workDir);
}
