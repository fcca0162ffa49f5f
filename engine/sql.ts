// The single way an identifier enters SQL text. Values never do: they are bound parameters.

/** Quotes an identifier for DuckDB: wrapped in double quotes, inner quotes doubled. */
export function ident(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL character');
  return '"' + name.replaceAll('"', '""') + '"';
}
