// The single way an identifier enters SQL text. Values never do: they are bound parameters.

/** Quotes an identifier for DuckDB: wrapped in double quotes, inner quotes doubled. */
export function ident(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return '"' + name.replaceAll('"', '""') + '"';
}

/** An integer the engine knows (a snapshot's id range, never a request's value) as a SQL
 *  literal, for the few places DuckDB wants a constant rather than a parameter. */
export function sqlInteger(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return String(n);
}

/** Text the engine declares (a rollup's row condition in a catalog, never a request's
 *  value) as a SQL string literal, for layout statements, which bind no parameters. */
export function sqlDeclaredText(s: string): string {
  if (s.includes('\0')) throw new Error('text contains a NUL character');
  return "'" + s.replaceAll("'", "''") + "'";
}

/** How a compiled expression reads a column of the rows it is evaluated on (a root's
 *  columns: the fact table's for the fact root): by default, its quoted name. */
export type ColumnRef = (column: string) => string;
