// Copies one source table into a typed staging table, checking every value on the way:
// columns present and of a fitting type, values that convert, required values present,
// lower bounds, unique keys. References between tables are checked once all are staged.
import type { Database, Param } from '../engine/db.ts';
import type { Catalog, ColumnDef, DecimalType, RelationDef, SqlType, TableDef } from '../engine/catalog.ts';
import { tableDef, tableKey } from '../engine/catalog.ts';
import { stageName } from '../engine/layout.ts';
import { ident } from '../engine/sql.ts';
import { ImportError, shown } from './source.ts';
import type { SourceTable } from './source.ts';
import { readSource } from './read-source.ts';
import { silent, trackedQuery } from './progress.ts';
import { ianaZoneNames } from '../engine/zone-names.ts';
import type { Progress } from './progress.ts';

// Instants are kept only in years 0001 to 9999: the API's ISO 8601 dates and its JSON
// answers have four-digit years. PostgreSQL's 'infinity' and '-infinity' and its years
// past 9999 (or BC) are refused by name, not loaded as far-off dates no window could name.
const FIRST_INSTANT = '0001-01-01 00:00:00';
const END_OF_INSTANTS = '10000-01-01 00:00:00';

// Which declared source types each stored type accepts without a value-by-value check.
const FAMILIES: Record<Exclude<SqlType, DecimalType>, RegExp> & Record<DecimalType, RegExp | undefined> = {
  BIGINT: /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+|DECIMAL\(\d+,\s*0\))$/i,
  INTEGER: /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|INT\d+|DECIMAL\(\d+,\s*0\))$/i,
  VARCHAR: /^(VARCHAR|TEXT|STRING|CHAR.*)$/i,
  TIMESTAMP: /^(TIMESTAMP.*|DATETIME|DATE)$/i,
  // Filled in with the types of the datasets that use them (issue 14 brought the types).
  DATE: /^DATE$/i,
  BOOLEAN: /^BOOL(EAN)?$/i,
  // A UUID may come as text (a Parquet file written without the UUID type): read value by value.
  UUID: /^(UUID|VARCHAR|TEXT|STRING)$/i,
};
const family = (t: SqlType): RegExp => FAMILIES[t] ?? /^DECIMAL\(\d+,\s*\d+\)$/i;
const isDecimal = (t: SqlType): boolean => t.startsWith('DECIMAL(');

const where = (s: SourceTable, line: unknown) => `${s.origin}, ${s.lineKind} ${String(line)}`;

async function first(db: Database, sql: string, params: readonly Param[]): Promise<Record<string, unknown> | undefined> {
  return (await db.query(sql, params)).rows[0];
}

/** A value converted to the stored type; timestamps with a zone become UTC wall time. */
function converted(c: ColumnDef, sourceType: string): string {
  const v = ident(c.name);
  if (sourceType.toUpperCase() === c.sqlType) return v;
  if (c.sqlType === 'VARCHAR') return `CAST(${v} AS VARCHAR)`;
  // Text timestamps may carry an offset ('2025-01-01 10:00:00+02'): read them as instants.
  if (c.sqlType === 'TIMESTAMP' && !/^TIMESTAMP(_S|_MS|_NS)?$|^DATE$/i.test(sourceType)) return `TRY_CAST(TRY_CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  return `TRY_CAST(${v} AS ${c.sqlType})`;
}

/** Stages one table; `progress` hears of the read (rows or bytes) and then of the checks. */
export async function stageTable(db: Database, s: SourceTable, progress: Progress = silent): Promise<number> {
  const t = s.table;
  for (const c of t.columns) {
    const type = s.columns.get(c.name);
    if (type === undefined) throw new ImportError(`table '${t.name}' (${s.origin}): missing column '${c.name}'`);
    if (s.typedColumns && !family(c.sqlType).test(type))
      throw new ImportError(`table '${t.name}' (${s.origin}): column '${c.name}' has type ${type}, expected ${c.sqlType}`);
  }
  const stage = ident(stageName(t.name));
  // A converted column keeps its source value beside it until the conversion is checked.
  const convertedCols = t.columns.filter((c) => s.columns.get(c.name)!.toUpperCase() !== c.sqlType);
  const src = (c: ColumnDef) => ident('src_' + c.name);
  const select = [
    ...t.columns.map((c) => `${converted(c, s.columns.get(c.name)!)} AS ${ident(c.name)}`),
    ...convertedCols.map((c) => `${ident(c.name)} AS ${src(c)}`),
  ];
  let reads = 0;
  await readSource(db, s, async (relation) => {
    // A text file with a row over DuckDB's default width is read a second time (read-source.ts).
    progress.phase(`loading ${t.name}${++reads > 1 ? ' (again, with room for its long rows)' : ''}`, s.size?.total, s.size?.unit);
    const sql = `CREATE OR REPLACE TABLE ${stage} AS SELECT ${select.join(', ')}, _line FROM ${relation} src`;
    await (s.size ? trackedQuery(db, sql, s.params, progress, s.size.total) : db.query(sql, s.params));
  });

  // A decimal read from text or from a decimal of a larger scale must keep every digit: a
  // value with more decimals than the column holds is refused, not rounded.
  const exactCols = convertedCols.filter((c) => isDecimal(c.sqlType));
  // Each check is one query over the staged rows.
  const checks =
    convertedCols.length +
    exactCols.length +
    t.columns.reduce(
      (n, c) =>
        n + (c.nullable ? 0 : 1) + (c.sqlType === 'TIMESTAMP' ? 1 : 0) + (c.min !== undefined ? 1 : 0) + (c.max !== undefined ? 1 : 0) + (c.values ? 1 : 0) + (c.unique ? 1 : 0) + (c.zone ? 1 : 0),
      (t.ordered ?? []).length,
    );
  progress.phase(`checking ${t.name}`, checks, 'checks');
  const check = async (sql: string, params: readonly Param[]) => {
    const row = await first(db, sql, params);
    progress.tick(1);
    return row;
  };
  for (const c of convertedCols) {
    const bad = await check(`SELECT _line, CAST(${src(c)} AS VARCHAR) AS value FROM ${stage} WHERE ${src(c)} IS NOT NULL AND ${ident(c.name)} IS NULL ORDER BY _line LIMIT 1`, []);
    if (bad) throw new ImportError(`table '${t.name}' (${where(s, bad['_line'])}), column '${c.name}': cannot read ${shown(bad['value'])} as ${c.sqlType}${c.sqlType === 'TIMESTAMP' ? ' (an instant in the years 0001 to 9999)' : ''}`);
    if (exactCols.includes(c)) {
      const cut = await check(
        `SELECT _line, CAST(${src(c)} AS VARCHAR) AS value FROM ${stage} WHERE ${ident(c.name)} IS NOT NULL AND TRY_CAST(${src(c)} AS DECIMAL(38,18)) <> ${ident(c.name)} ORDER BY _line LIMIT 1`,
        [],
      );
      if (cut) throw new ImportError(`table '${t.name}' (${where(s, cut['_line'])}), column '${c.name}': ${shown(cut['value'])} has more decimals than ${c.sqlType} holds`);
    }
    await db.exec(`ALTER TABLE ${stage} DROP COLUMN ${src(c)}`);
  }
  for (const c of t.columns) {
    const v = ident(c.name);
    if (!c.nullable) {
      const n = await check(`SELECT _line FROM ${stage} WHERE ${v} IS NULL ORDER BY _line LIMIT 1`, []);
      if (n) throw new ImportError(`table '${t.name}' (${where(s, n['_line'])}), column '${c.name}': null in a required column`);
    }
    if (c.sqlType === 'TIMESTAMP') {
      const o = await check(
        `SELECT _line, CAST(${v} AS VARCHAR) AS value, isfinite(${v}) AS finite FROM ${stage} ` +
          `WHERE NOT isfinite(${v}) OR ${v} < CAST($1 AS TIMESTAMP) OR ${v} >= CAST($2 AS TIMESTAMP) ORDER BY _line LIMIT 1`,
        [FIRST_INSTANT, END_OF_INSTANTS],
      );
      if (o)
        throw new ImportError(
          `table '${t.name}' (${where(s, o['_line'])}), column '${c.name}': ${shown(o['value'])} is ` +
            (o['finite'] ? 'outside the years 0001 to 9999' : 'not an instant (infinite timestamps are refused)'),
        );
    }
    if (c.min !== undefined) {
      const m = await check(`SELECT _line, ${v} AS value FROM ${stage} WHERE ${v} < $1 ORDER BY _line LIMIT 1`, [c.min]);
      if (m) throw new ImportError(`table '${t.name}' (${where(s, m['_line'])}), column '${c.name}': ${String(m['value'])} is below the minimum ${c.min}`);
    }
    if (c.max !== undefined) {
      const m = await check(`SELECT _line, ${v} AS value FROM ${stage} WHERE ${v} > $1 ORDER BY _line LIMIT 1`, [c.max]);
      if (m) throw new ImportError(`table '${t.name}' (${where(s, m['_line'])}), column '${c.name}': ${String(m['value'])} is above the maximum ${c.max}`);
    }
    if (c.values) {
      const m = await check(`SELECT _line, ${v} AS value FROM ${stage} WHERE NOT list_contains($1::VARCHAR[], ${v}) ORDER BY _line LIMIT 1`, [c.values]);
      if (m) throw new ImportError(`table '${t.name}' (${where(s, m['_line'])}), column '${c.name}': ${shown(m['value'])} is not one of ${c.values.join(', ')}`);
    }
    if (c.zone) {
      // Names Intl and IANA know (zone-names.ts) and DuckDB's ICU knows too: the zones the
      // queries will name. One list parameter; the first row outside it is named.
      const m = await check(
        `SELECT _line, ${v} AS value FROM ${stage} WHERE NOT list_contains($1::VARCHAR[], ${v}) OR ${v} NOT IN (SELECT name FROM pg_timezone_names()) ORDER BY _line LIMIT 1`,
        [ianaZoneList()],
      );
      if (m) throw new ImportError(`table '${t.name}' (${where(s, m['_line'])}), column '${c.name}': ${shown(m['value'])} is not an IANA time zone name (such as Europe/Berlin or US/Pacific)`);
    }
    // Integer keys within a compact range are proved unique by one bitstring over the range
    // (a set bit per value: as many bits as values), ten times faster than grouping 10M
    // ids; only a failed proof (or text, or a sparse range) groups, to name the duplicate.
    if (c.unique && (c.sqlType === 'BIGINT' || c.sqlType === 'INTEGER') && (await distinctByBits(db, stage, v))) progress.tick(1);
    else if (c.unique) {
      const d = await check(
        `SELECT ${v} AS value, min(_line) AS a, max(_line) AS b FROM ${stage} WHERE ${v} IS NOT NULL GROUP BY ${v} HAVING count(*) > 1 ORDER BY a LIMIT 1`,
        [],
      );
      if (d) throw new ImportError(`table '${t.name}' (${where(s, d['b'])}), column '${c.name}': duplicate value ${shown(d['value'])} (first at ${s.lineKind} ${String(d['a'])})`);
    }
  }
  for (const [earlier, later] of t.ordered ?? []) {
    const [a, b] = [ident(earlier), ident(later)];
    const o = await check(`SELECT _line, CAST(${a} AS VARCHAR) AS a, CAST(${b} AS VARCHAR) AS b FROM ${stage} WHERE ${b} < ${a} ORDER BY _line LIMIT 1`, []);
    if (o) throw new ImportError(`table '${t.name}' (${where(s, o['_line'])}): ${later} ${shown(o['b'])} is before ${earlier} ${shown(o['a'])}`);
  }
  const count = await first(db, `SELECT count(*) AS n FROM ${stage}`, []);
  return Number(count?.['n'] ?? 0);
}

const ianaZoneList = (): string[] => [...ianaZoneNames()];

/** A table's foreign keys: its many-to-one relations (a one-to-many relation is the other
 *  table's foreign key, checked there). */
const foreignKeys = (t: TableDef): RelationDef[] => t.relations.filter((r) => (r.kind ?? 'many-to-one') === 'many-to-one');

/** Bits at most in the bitstring that proves a column's values distinct (16 MiB). */
const MAX_PROOF_BITS = 2 ** 27;

/** Whether the integer column's non-null values are proved distinct by a bitstring over
 *  their range; false when they are not, or the range is too wide to try. */
async function distinctByBits(db: Database, stage: string, v: string): Promise<boolean> {
  const r = await first(db, `SELECT min(${v}) AS lo, max(${v}) AS hi FROM ${stage}`, []);
  if (r?.['lo'] == null) return true;
  const lo = BigInt(String(r['lo']));
  const hi = BigInt(String(r['hi']));
  if (hi - lo + 1n > BigInt(MAX_PROOF_BITS)) return false;
  const p = await first(db, `SELECT bit_count(bitstring_agg(${v}, ${lo}, ${hi})) = count(${v}) AS ok FROM ${stage}`, []);
  return p?.['ok'] === true;
}

/** Every foreign key of every staged table resolves to a staged row. */
export async function checkReferences(db: Database, catalog: Catalog, sources: readonly SourceTable[], progress: Progress = silent): Promise<void> {
  progress.phase('checking references', sources.reduce((n, s) => n + foreignKeys(s.table).length, 0), 'checks');
  for (const s of sources) {
    for (const r of foreignKeys(s.table)) {
      const target = tableDef(catalog, r.target);
      const fk = ident(r.column);
      const bad = await first(
        db,
        `SELECT s._line, s.${fk} AS value FROM ${ident(stageName(s.table.name))} s ANTI JOIN ${ident(stageName(target.name))} t ON t.${ident(tableKey(target))} = s.${fk} ` +
          `WHERE s.${fk} IS NOT NULL ORDER BY s._line LIMIT 1`,
        [],
      );
      if (bad)
        throw new ImportError(`table '${s.table.name}' (${where(s, bad['_line'])}), column '${r.column}': ${String(bad['value'])} references no row of table '${target.name}'`);
      progress.tick(1);
    }
  }
}
