// The `data` rows of an answer as JSON (the whole body), CSV or an Arrow IPC stream.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import type { DataType, Vector } from 'apache-arrow';
import { ARROW_TYPE } from '../engine/index.ts';
import type { ColumnKind, Columns } from '../engine/index.ts';

export type Format = 'json' | 'csv' | 'arrow';
export type { ColumnKind, Columns };

/** `format` wins; else the Accept header; else JSON. */
export function chooseFormat(request: FastifyRequest, format: Format | undefined): Format {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  if (accept.includes(ARROW_TYPE)) return 'arrow';
  if (accept.includes('text/csv')) return 'csv';
  return 'json';
}

// apache-arrow is loaded on the first Arrow answer: it is ~150 modules, a good part of
// what a start would otherwise spend loading code that most servers never run.
type Arrow = typeof import('apache-arrow');
let arrowModule: Promise<Arrow> | undefined;
const loadArrow = (): Promise<Arrow> => (arrowModule ??= import('apache-arrow'));

/** Decimal128's digits. */
const DECIMAL_PRECISION = 38;

/** Exact decimal text with at most `scale` digits after the point -> the 128-bit two's
 *  complement integer of 10^-scale units, as Arrow stores it (four little-endian words). */
export function decimal128Words(text: string, scale: number): Uint32Array {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[3] ?? '').length > scale) throw new Error(`not a decimal of scale ${scale}: ${text.slice(0, 50)}`);
  let n = BigInt(m[2]! + (m[3] ?? '').padEnd(scale, '0'));
  if (m[1]) n = -n;
  const u = BigInt.asUintN(128, n);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = Number((u >> BigInt(32 * i)) & 0xffffffffn);
  return words;
}

function arrowVector(arrow: Arrow, kind: ColumnKind, scale: number | undefined, values: unknown[]): Vector {
  // Exact decimals: Decimal128 of their scale where the column has one (the digits as an
  // integer, no binary float on the way), else their text.
  if (kind === 'decimal' && scale !== undefined) {
    const words = values.map((v) => (v === null || v === undefined ? null : decimal128Words(String(v), scale)));
    return arrow.vectorFromArray(words, new arrow.Decimal(scale, DECIMAL_PRECISION, 128) as never);
  }
  const type: DataType = kind === 'int' ? new arrow.Int64() : kind === 'float' ? new arrow.Float64() : kind === 'bool' ? new arrow.Bool() : new arrow.Utf8();
  const cast = kind === 'int' ? values.map((v) => (v === null || v === undefined ? null : BigInt(v as number))) : values;
  return arrow.vectorFromArray(cast, type as never);
}

export interface Download {
  /** The file's name without its extension, which the format adds. */
  readonly filename: string;
  /** Paged answers: the neighbouring pages, as the JSON body's next / previous. */
  readonly links?: { readonly next: string | null; readonly previous: string | null } | undefined;
}

/** Names the download (Content-Disposition) and, for a page of a paged answer, its
 *  neighbours (Link, RFC 8288: a CSV or Arrow body has no room for next / previous). A
 *  filename is plain ASCII made here, never request text beyond enum values and numbers. */
export function downloadHeaders(reply: FastifyReply, format: Exclude<Format, 'json'>, download: Download): void {
  const ext = format === 'csv' ? 'csv' : 'arrow';
  void reply.header('content-disposition', `attachment; filename="${download.filename.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}"`);
  const links: string[] = [];
  if (download.links?.next) links.push(`<${download.links.next}>; rel="next"`);
  if (download.links?.previous) links.push(`<${download.links.previous}>; rel="prev"`);
  if (links.length) void reply.header('link', links.join(', '));
}

/** Rows as CSV or Arrow. (The debug endpoint's answers are shaped in its sandbox.) */
export async function sendRows(reply: FastifyReply, format: Exclude<Format, 'json'>, columns: Columns, rows: readonly Record<string, unknown>[], download: Download): Promise<FastifyReply> {
  downloadHeaders(reply, format, download);
  const key = (i: number) => columns[i]![0];
  const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  if (format === 'csv') {
    // Booleans as their JSON text: csv-stringify's default writes false as an empty cell, the
    // same as null.
    const body = stringify(rows.map((r) => columns.map((_, i) => cell(r[key(i)]) ?? '')), {
      header: true,
      columns: columns.map(([c]) => c),
      cast: { boolean: (v) => (v ? 'true' : 'false') },
    });
    return reply.type('text/csv; charset=utf-8').send(body);
  }
  const arrow = await loadArrow();
  const data: Record<string, Vector> = {};
  columns.forEach(([name, kind, scale], i) => {
    data[name] = arrowVector(arrow, kind, scale, rows.map((r) => {
      const v = cell(r[key(i)]) ?? null;
      return (kind === 'string' || kind === 'decimal') && v !== null ? String(v) : v;
    }));
  });
  const table = new arrow.Table(data);
  return reply.type(ARROW_TYPE).send(Buffer.from(arrow.tableToIPC(table, 'stream')));
}
