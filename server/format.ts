// The `data` rows of an answer as JSON (the whole body), CSV or an Arrow IPC stream.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { Float64, Int64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { DataType, Vector } from 'apache-arrow';

export type Format = 'json' | 'csv' | 'arrow';
export type ColumnKind = 'int' | 'float' | 'string';
export type Columns = readonly (readonly [name: string, kind: ColumnKind])[];

export const ARROW_TYPE = 'application/vnd.apache.arrow.stream';

/** `format` wins; else the Accept header; else JSON. */
export function chooseFormat(request: FastifyRequest, format: Format | undefined): Format {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  if (accept.includes(ARROW_TYPE)) return 'arrow';
  if (accept.includes('text/csv')) return 'csv';
  return 'json';
}

function arrowVector(kind: ColumnKind, values: unknown[]): Vector {
  const type: DataType = kind === 'int' ? new Int64() : kind === 'float' ? new Float64() : new Utf8();
  const cast = kind === 'int' ? values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : values;
  return vectorFromArray(cast, type as never);
}

/** Rows as CSV or Arrow; `byPosition`: rows are keyed '0', '1', ... (names may repeat). */
export function sendRows(reply: FastifyReply, format: Exclude<Format, 'json'>, columns: Columns, rows: readonly Record<string, unknown>[], byPosition = false): FastifyReply {
  const key = (i: number) => (byPosition ? String(i) : columns[i]![0]);
  const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  if (format === 'csv') {
    const body = stringify(rows.map((r) => columns.map((_, i) => cell(r[key(i)]) ?? '')), { header: true, columns: columns.map(([c]) => c) });
    return reply.type('text/csv; charset=utf-8').send(body);
  }
  const data: Record<string, Vector> = {};
  columns.forEach(([name, kind], i) => {
    let n = name;
    for (let k = 2; n in data; k++) n = `${name}_${k}`;
    data[n] = arrowVector(kind, rows.map((r) => {
      const v = cell(r[key(i)]) ?? null;
      return kind === 'string' && v !== null ? String(v) : v;
    }));
  });
  const table = new Table(data);
  return reply.type(ARROW_TYPE).send(Buffer.from(tableToIPC(table, 'stream')));
}
