// One ad-hoc statement in the sandbox process: exactly one SELECT (or its EXPLAIN), bound
// parameters, its rows streamed and shaped until max_rows + 1 are read, the answer's size
// bounded all along. Errors are SandboxErrors with their reason.
import { DuckDBTypeId, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBPreparedStatement, DuckDBType, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { isOutOfMemory } from '../db.ts';
import { SandboxError } from './protocol.ts';
import type { AdhocAnswer, AdhocRequest } from './protocol.ts';
import { shaper } from './shape.ts';

async function prepareOne(c: DuckDBConnection, req: AdhocRequest): Promise<DuckDBPreparedStatement> {
  const invalid = (e: unknown) => new SandboxError('invalid', (e as Error).message);
  const extracted = await c.extractStatements(req.sql).catch((e: unknown) => Promise.reject(invalid(e)));
  if (extracted.count !== 1) throw new SandboxError('invalid', `exactly one statement is allowed, got ${extracted.count}`);
  const inner = await extracted.prepare(0).catch((e: unknown) => Promise.reject(invalid(e)));
  if (inner.statementType !== StatementType.SELECT) throw new SandboxError('forbidden', 'only SELECT statements (queries) are allowed');
  // The text was just checked to be a single SELECT; EXPLAIN of it is read-only too.
  const stmt = req.explain ? await c.prepare(`EXPLAIN ${req.sql}`).catch((e: unknown) => Promise.reject(invalid(e))) : inner;
  try {
    stmt.bind(req.params as DuckDBValue[]);
  } catch (e) {
    throw invalid(e);
  }
  return stmt;
}

/** The bytes of a text or blob column's first `rows` values, read from DuckDB's string
 *  headers without decoding them: a lower bound of their size in any answer, so that a
 *  value far past the bound is refused before it becomes a JavaScript string. node-api
 *  keeps the headers in private fields; without them (another version) this is 0, and the
 *  bound is then checked after decoding. */
function rawTextBytes(vector: DuckDBVector, type: DuckDBType, rows: number): number {
  if (type.typeId !== DuckDBTypeId.VARCHAR && type.typeId !== DuckDBTypeId.BLOB) return 0;
  const v = vector as unknown as { dataView?: unknown; validity?: { itemValid?: (i: number) => boolean } };
  const view = v.dataView;
  const valid = v.validity;
  if (!(view instanceof DataView) || typeof valid?.itemValid !== 'function' || view.byteLength < rows * 16) return 0;
  let total = 0;
  for (let i = 0; i < rows; i++) if (valid.itemValid(i)) total += view.getUint32(i * 16, true);
  return total;
}

function rows(vectors: readonly DuckDBVector[], n: number): DuckDBValue[][] {
  const out: DuckDBValue[][] = [];
  for (let r = 0; r < n; r++) out.push(vectors.map((v) => v.getItem(r) as DuckDBValue));
  return out;
}

function classify(e: unknown, cancelled: () => boolean): SandboxError {
  if (e instanceof SandboxError) return e;
  if (cancelled()) return new SandboxError('timeout', 'the query ran past its time limit and was stopped');
  const message = e instanceof Error ? e.message : String(e);
  if (isOutOfMemory(e)) return new SandboxError('memory', `the query needs more memory than the sandbox has: ${message.split('\n')[0]}`);
  // A value or batch beyond what JavaScript can hold (string length, buffer size).
  if (e instanceof RangeError) return new SandboxError('too_large', `the answer cannot be shaped: ${message}`);
  return new SandboxError('invalid', message);
}

export async function runAdhoc(c: DuckDBConnection, req: AdhocRequest, cancelled: () => boolean): Promise<AdhocAnswer> {
  const started = performance.now();
  const stmt = await prepareOne(c, req);
  try {
    // Streaming: DuckDB produces rows as they are fetched, so reading stops the work.
    const result = await stmt.stream();
    const types = result.columnTypes();
    const out = shaper(req.format, { names: result.columnNames(), types }, req.maxBytes);
    let rowCount = 0;
    let truncated = false;
    for (;;) {
      if (cancelled()) throw new SandboxError('timeout', 'the query ran past its time limit and was stopped');
      const chunk: DuckDBDataChunk | null = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      if (rowCount === req.maxRows) {
        truncated = true;
        break;
      }
      const take = Math.min(chunk.rowCount, req.maxRows - rowCount);
      const vectors = types.map((_, i) => chunk.getColumnVector(i));
      out.reserve(vectors.reduce((n, v, i) => n + rawTextBytes(v, types[i]!, take), 0));
      out.add(rows(vectors, take));
      rowCount += take;
      if (take < chunk.rowCount) {
        truncated = true;
        break;
      }
    }
    const elapsedMs = performance.now() - started;
    const { contentType, body } = out.finish({ rowCount, truncated, elapsedMs });
    return { contentType, body, rowCount, truncated, elapsedMs };
  } catch (e) {
    throw classify(e, cancelled);
  }
}
