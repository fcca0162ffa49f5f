// A pg_dump plain-SQL file: its `COPY ... FROM stdin;` blocks are copied out, byte for
// byte, into one text-format file per wanted table; none of its SQL is ever run, but it is
// read as psql reads it (pg-dump-lexer.ts), so that a COPY line inside a comment, a string
// or a function body is not taken for data. Tables may come in any order and
// schema-qualified; unwanted tables are skipped.
import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Catalog } from '../../engine/catalog.ts';
import { ImportError, lookedFor, shown, sourceNameFor } from '../source.ts';
import type { SourceTable } from '../source.ts';
import { pgTextTable } from './pg-text.ts';
import { DumpLexer } from './pg-dump-lexer.ts';
import { silent } from '../progress.ts';
import type { Progress } from '../progress.ts';

/** `COPY [schema.]table (col, ...) FROM stdin` with plain or double-quoted identifiers. */
const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)`;
const COPY = new RegExp(String.raw`^COPY\s+(?:(${IDENT})\s*\.\s*)?(${IDENT})\s*\(\s*(${IDENT}(?:\s*,\s*${IDENT})*)\s*\)\s*FROM\s+STDIN$`, 'i');
const IDENTS = new RegExp(IDENT, 'g');

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1).replaceAll('""', '"') : s.toLowerCase());

export function isPgDump(head: string): boolean {
  return /PostgreSQL database dump/.test(head) || /^COPY\s+\S+.*FROM\s+stdin;/m.test(head);
}

interface Block {
  /** The dump's table name (lowercase, unquoted). */
  name: string;
  columns: string[];
  file: string;
  firstLine: number;
  fd: number;
  rows: number;
}

/** Copies the wanted tables' COPY blocks out of the dump; `progress` counts the dump's bytes. */
export async function pgDumpTables(catalog: Catalog, dumpFile: string, workDir: string, progress: Progress = silent): Promise<SourceTable[]> {
  // Blocks of every name a table may have, by name: which one a table takes (a Django
  // `<app>_<model>` name only where no other matches, and only one) is known at the end.
  const found = new Map<string, Block>();
  const wanted = (name: string) => catalog.tables.some((t) => t.sourceNames.includes(name) || (t.djangoModel !== undefined && name.endsWith(`_${t.djangoModel}`)));
  let current: Block | undefined;
  let skipping = false;
  let lineNo = 0;
  let carry = '';
  let pending: string[] = [];
  const lexer = new DumpLexer();
  const flush = () => {
    if (current && pending.length) writeSync(current.fd, pending.join(''));
    pending = [];
  };
  const onLine = (line: string) => {
    lineNo++;
    if (current || skipping) {
      if (line === '\\.') {
        flush();
        current = undefined;
        skipping = false;
        return;
      }
      if (current) {
        pending.push(line, '\n');
        if (++current.rows % 100_000 === 0) flush();
      }
      return;
    }
    const statement = lexer.line(line);
    if (statement === undefined) return;
    const m = COPY.exec(statement);
    if (!m) throw new ImportError(`${dumpFile}, line ${lineNo}: cannot read this COPY statement: ${shown(statement)}`);
    const name = unquote(m[2]!);
    if (!wanted(name) || found.has(name)) {
      skipping = true;
      return;
    }
    const columns = (m[3]!.match(IDENTS) ?? []).map(unquote);
    const file = join(workDir, `block-${found.size}.tsv`);
    current = { name, columns, file, firstLine: lineNo + 1, fd: openSync(file, 'w'), rows: 0 };
    found.set(name, current);
  };
  progress.phase(`reading ${basename(dumpFile)}`, statSync(dumpFile).size, 'bytes');
  try {
    for await (const chunk of createReadStream(dumpFile, { encoding: 'utf8', highWaterMark: 4 << 20 })) {
      const lines = (carry + (chunk as string)).split('\n');
      carry = lines.pop()!;
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      progress.tick(Buffer.byteLength(chunk as string));
    }
    if (carry) onLine(carry);
    if (current) throw new ImportError(`${dumpFile}: the COPY block of table '${current.name}' has no end marker (\\.): is the file truncated?`);
  } finally {
    for (const b of found.values()) closeSync(b.fd);
  }
  const names = [...found.keys()];
  return catalog.tables.map((t) => {
    const name = sourceNameFor(t, names, dumpFile);
    if (name === undefined) throw new ImportError(`table '${t.name}': no COPY block in ${dumpFile} (looked for ${lookedFor(t)})`);
    const b = found.get(name)!;
    return pgTextTable(t, b.file, dumpFile, b.columns, b.firstLine, 'line', b.rows);
  });
}
