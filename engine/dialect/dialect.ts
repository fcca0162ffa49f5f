// What differs between SQL engines, as one interface: compilers write SQL only through it
// (and through ident()/Params for identifiers and values). DuckDB is the one implementation
// today (duckdb.ts); a ClickHouse one follows it (SPEC-scale.md).
import type { ExprFunction } from '../catalog.ts';

export interface Dialect {
  readonly name: 'duckdb';
  /** The functions of declared expressions (catalog Expr), over compiled arguments. */
  readonly functions: Readonly<Record<ExprFunction, (args: readonly string[]) => string>>;
  /** An instant (a UTC timestamp) as ISO 8601 text with `Z`: milliseconds always, six
   *  digits where there are microseconds below them (server/iso-instant.ts). */
  isoInstant(col: string): string;
  /** A timestamp as text in a strftime format (bound as a parameter: `format`). */
  formatTime(col: string, format: string): string;
  /** A timestamp's quarter as `YYYY-Qn`. */
  quarterLabel(col: string): string;
}
