// An answer's body in JSON, CSV or Arrow, built batch by batch and never past its bound:
// the sandbox process shapes it, so the server only forwards bytes.
import { stringify } from 'csv-stringify/sync';
import { Field, RecordBatch, Schema, Struct, Table, makeData, tableToIPC } from 'apache-arrow';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { column, dataBytes } from './arrow.ts';
import { ARROW_TYPE, SandboxError } from './protocol.ts';
import type { AnswerFormat } from './protocol.ts';
import { csvCell, toJson } from './values.ts';

/** Bytes gathered up to a bound; past it, a SandboxError too_large. */
export class Body {
  private readonly parts: Buffer[] = [];
  size = 0;
  constructor(readonly max: number) {}

  /** Refuses early: `bytes` more (a lower bound of what is coming) would not fit. */
  reserve(bytes: number): void {
    if (this.size + bytes > this.max) throw new SandboxError('too_large', `the answer is larger than the limit of ${this.max} bytes; select fewer rows or columns, or set max_rows`);
  }

  push(chunk: string | Uint8Array): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.reserve(b.length);
    this.parts.push(b);
    this.size += b.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

export interface Columns {
  readonly names: readonly string[];
  readonly types: readonly DuckDBType[];
}

export interface Shaper {
  /** Refuses early when `bytes` more (a lower bound of the next rows' size) would not fit. */
  reserve(bytes: number): void;
  /** Rows of values in column order. */
  add(rows: readonly (readonly DuckDBValue[])[]): void;
  finish(meta: { rowCount: number; truncated: boolean; elapsedMs: number }): { contentType: string; body: Buffer };
}

function jsonShaper(cols: Columns, body: Body): Shaper {
  const columns = cols.names.map((name, i) => ({ name, type: cols.types[i]!.toString() }));
  body.push(`{"columns":${JSON.stringify(columns)},"rows":[`);
  let first = true;
  return {
    reserve: (bytes) => body.reserve(bytes),
    add(rows) {
      if (rows.length === 0) return;
      const text = rows.map((r) => JSON.stringify(r.map((v, i) => toJson(v, cols.types[i]!)))).join(',');
      body.push(first ? text : `,${text}`);
      first = false;
    },
    finish({ rowCount, truncated, elapsedMs }) {
      body.push(`],"row_count":${rowCount},"truncated":${truncated},"elapsed_ms":${Math.round(elapsedMs * 100) / 100}}`);
      return { contentType: 'application/json; charset=utf-8', body: body.bytes() };
    },
  };
}

function csvShaper(cols: Columns, body: Body): Shaper {
  // Empty strings are quoted ("") so that they differ from NULL (an empty, unquoted cell).
  const options = { quoted_match: /^$/ };
  body.push(stringify([cols.names as string[]], options));
  return {
    reserve: (bytes) => body.reserve(bytes),
    add(rows) {
      if (rows.length > 0) body.push(stringify(rows.map((r) => r.map((v, i) => csvCell(toJson(v, cols.types[i]!)))), options));
    },
    finish: () => ({ contentType: 'text/csv; charset=utf-8', body: body.bytes() }),
  };
}

function arrowShaper(cols: Columns, body: Body): Shaper {
  const batches: RecordBatch[] = [];
  let estimate = 0;
  const batch = (rows: readonly (readonly DuckDBValue[])[]): RecordBatch => {
    const children = cols.types.map((t, i) => column(t, rows.map((r) => r[i] ?? null)));
    const fields = children.map((c, i) => new Field(cols.names[i]!, c.type, true));
    return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }));
  };
  return {
    reserve: (bytes) => body.reserve(estimate + bytes),
    add(rows) {
      if (rows.length === 0) return;
      const b = batch(rows);
      // The buffers' sizes are a lower bound of the stream's: refuse as soon as they pass.
      estimate += b.data.children.reduce((n, c) => n + dataBytes(c), 0);
      body.reserve(estimate);
      batches.push(b);
    },
    finish() {
      // A result without rows still carries its schema, in an empty batch.
      const bytes = tableToIPC(new Table(batches.length > 0 ? batches : [batch([])]), 'stream');
      body.push(bytes);
      return { contentType: ARROW_TYPE, body: body.bytes() };
    },
  };
}

export function shaper(format: AnswerFormat, cols: Columns, maxBytes: number): Shaper {
  const body = new Body(maxBytes);
  switch (format) {
    case 'json': return jsonShaper(cols, body);
    case 'csv': return csvShaper(cols, body);
    case 'arrow': return arrowShaper(cols, body);
  }
}
