// A table's relation to itself declared acyclic (a category's parent) must form a tree: no
// row may be its own ancestor. Checked on the staged rows after the references, by pointer
// doubling: each round replaces every row's ancestor by that ancestor's ancestor at the
// same distance, and drops rows whose chain ended at a root. After ceil(log2(n)) + 1 rounds
// the rows left have an ancestor more than n steps up, which only a cycle gives: a few
// statements whatever the depth of the tree, where walking up one level per step would take
// as many steps as the deepest chain.
import type { Database } from '../engine/db.ts';
import type { Catalog, RelationDef, TableDef } from '../engine/catalog.ts';
import { tableKey } from '../engine/catalog.ts';
import { stageName } from '../engine/layout.ts';
import { ident } from '../engine/sql.ts';
import { ImportError } from './source.ts';
import type { SourceTable } from './source.ts';
import { silent } from './progress.ts';
import type { Progress } from './progress.ts';

const acyclicRelations = (t: TableDef): RelationDef[] => t.relations.filter((r) => r.acyclic === true && r.target === t.name && (r.kind ?? 'many-to-one') === 'many-to-one');

/** The longest chain shown in a message. */
const SHOWN = 12;

export async function checkAcyclic(db: Database, catalog: Catalog, sources: readonly SourceTable[], progress: Progress = silent): Promise<void> {
  const checked = sources.filter((s) => acyclicRelations(s.table).length > 0);
  if (checked.length === 0) return;
  progress.phase('checking trees', checked.reduce((n, s) => n + acyclicRelations(s.table).length, 0), 'checks');
  for (const s of checked) {
    const stage = ident(stageName(s.table.name));
    const key = ident(tableKey(s.table));
    for (const r of acyclicRelations(s.table)) {
      const fk = ident(r.column);
      const n = Number((await db.query(`SELECT count(*) AS n FROM ${stage} WHERE ${fk} IS NOT NULL`)).rows[0]?.['n'] ?? 0);
      // (id, its ancestor at distance 2^k); rows whose chain ends within that distance drop out.
      await db.exec(`CREATE OR REPLACE TEMP TABLE acyclic_up AS SELECT ${key} AS id, ${fk} AS up FROM ${stage} WHERE ${fk} IS NOT NULL`);
      for (let reach = 1; reach <= n; reach *= 2) {
        await db.exec(`CREATE OR REPLACE TEMP TABLE acyclic_up AS SELECT a.id, b.up FROM acyclic_up a JOIN acyclic_up b ON b.id = a.up`);
      }
      // A row left has an ancestor more than n steps up: that ancestor is on a cycle.
      const left = (await db.query(`SELECT min(up) AS on_cycle FROM acyclic_up`)).rows[0]?.['on_cycle'];
      await db.exec('DROP TABLE acyclic_up');
      if (left !== null && left !== undefined) throw await cycleError(db, s, r, left);
      progress.tick(1);
    }
  }
}

/** Names the cycle through `start`: its rows in order, and where the first one is. */
async function cycleError(db: Database, s: SourceTable, r: RelationDef, start: unknown): Promise<ImportError> {
  const stage = ident(stageName(s.table.name));
  const key = ident(tableKey(s.table));
  const chain: unknown[] = [start];
  let line: unknown;
  for (let at = start; chain.length <= SHOWN; ) {
    const row = (await db.query(`SELECT ${ident(r.column)} AS up, _line FROM ${stage} WHERE ${key} = $1`, [at as number])).rows[0];
    line ??= row?.['_line'];
    at = row?.['up'];
    chain.push(at);
    if (at === start) break;
  }
  const closed = chain.at(-1) === start;
  return new ImportError(
    `table '${s.table.name}' (${s.origin}, ${s.lineKind} ${String(line)}), column '${r.column}': a cycle of ${r.name}s: ${chain.join(' -> ')}${closed ? '' : ' -> ...'} (the ${r.name}s must form a tree)`,
  );
}
