// The sandbox cannot read the snapshot file (nor its .wal) by any name, and reveals no
// server path: not the snapshot's folder, not the server's working folder, not its home, in
// DuckDB's settings, database lists, extension list or error messages.
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSnapshot, tempDir } from './helpers.ts';
import { sqlServer } from './sql-sandbox-fixture.ts';
import type { SqlServer } from './sql-sandbox-fixture.ts';

const dir = tempDir('sqlpath-');
let db: string;
let s: SqlServer;

beforeAll(async () => {
  ({ db } = await generatedSnapshot(dir.path, 1000, 7));
  s = await sqlServer(db, { limits: { sqlTimeoutMs: 20_000 } });
});
afterAll(async () => {
  await s?.close();
  dir.cleanup();
});

const q = (text: string) => text.replaceAll("'", "''");

describe('debug SQL and server paths', () => {
  it('cannot read the snapshot or its .wal, by its own path or the one DuckDB shows', async () => {
    const shown = await s.sql({ sql: 'SELECT path FROM duckdb_databases() WHERE path IS NOT NULL' });
    expect(shown.status, shown.text).toBe(200);
    const paths = [db, `${db}.wal`, ...(shown.json()['rows'] as string[][]).flatMap(([p]) => [p!, `${p}.wal`]), 'snapshot.duckdb', 'snap.duckdb'];
    for (const p of paths) {
      for (const fn of ['read_blob', 'read_text']) {
        const r = await s.sql({ sql: `SELECT * FROM ${fn}('${q(p)}')` });
        expect(r.status, `${fn}(${p}): ${r.text.slice(0, 200)}`).toBe(400);
        expect(r.json()).toMatchObject({ code: 'invalid_parameter' });
      }
    }
    // The data itself stays readable.
    expect((await s.sql({ sql: 'SELECT count(*) AS n FROM blog_view' })).json()).toMatchObject({ rows: [[1000]] });
  });

  it('shows no server path in settings, database lists, extensions or errors', async () => {
    const secrets = [dirname(db), process.cwd(), homedir()];
    const texts: string[] = [];
    for (const sql of [
      'SELECT * FROM duckdb_settings()',
      'SELECT * FROM duckdb_databases()',
      'SELECT * FROM pragma_database_list',
      'SELECT * FROM duckdb_extensions()',
      'SELECT * FROM duckdb_secrets()',
      "SELECT current_setting('home_directory'), current_setting('temp_directory'), current_setting('extension_directory'), current_setting('secret_directory')",
      "SELECT * FROM read_csv('no-such-file.csv')",
      "SELECT * FROM glob('*')",
      "ATTACH 'other.duckdb' AS o",
      'SELECT * FROM no_such_table',
      "SELECT * FROM 'relative/name.parquet'",
    ]) {
      const r = await s.sql({ sql });
      expect(r.status, `${sql}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      texts.push(r.text);
    }
    // The settings were read, so the check below looked at them.
    expect(texts[0]).toContain('allowed_paths');
    for (const t of texts) for (const secret of secrets) expect(t, secret).not.toContain(secret);
  });
});
