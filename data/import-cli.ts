// npm run import -- SOURCE [--db PATH]
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { importSnapshot } from './import.ts';
import { ImportError } from './source.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { db: { type: 'string' }, schema: { type: 'string', default: 'public' } },
});
const source = positionals[0];
if (!source) {
  console.error('usage: npm run import -- SOURCE [--db PATH]');
  process.exit(2);
}
const dbPath = values.db ?? loadConfig().analyticsDb;
try {
  const t0 = performance.now();
  const meta = await importSnapshot({ source, dbPath, log: (l) => console.log(l) });
  const counts = Object.entries(meta.rows).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`imported ${counts} into ${dbPath} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  if (e instanceof ImportError) {
    console.error(`import failed: ${e.message}`);
    console.error('the previous snapshot, if any, is unchanged');
    process.exit(1);
  }
  throw e;
}
