// The generator's mark on its Parquet files: a key-value entry in each file's footer, so
// that an import of them (by the default start or by `npm run generate` + `npm run import`)
// records the data as synthetic, wherever the files were moved.
import type { Database } from '../engine/db.ts';

const KEY = 'blog_analytics_synthetic';

/** The COPY option that writes the mark (constant text: the bytes stay deterministic). */
export const SYNTHETIC_COPY_OPTION = `KV_METADATA {${KEY}: 'true'}`;

/** Whether any of these Parquet files carries the generator's mark: data partly generated
 *  is synthetic too. */
export async function anySynthetic(db: Database, files: readonly string[]): Promise<boolean> {
  for (const file of files) {
    const { rows } = await db.query(`SELECT 1 AS found FROM parquet_kv_metadata($1) WHERE decode(key) = $2 AND decode(value) = 'true'`, [file, KEY]);
    if (rows.length > 0) return true;
  }
  return false;
}
