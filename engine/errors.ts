// Errors the engine raises about a request it cannot answer. The server maps them onto
// HTTP statuses; the engine knows nothing of HTTP.

export type QueryErrorCode = 'invalid_parameter' | 'invalid_filter' | 'invalid_time_range' | 'not_found' | 'query_timeout';

export interface QueryErrorDetail {
  /** A JSON pointer into the request; query parameters are top-level members. */
  readonly path: string;
  readonly message: string;
  readonly suggestion?: string;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    readonly details: readonly QueryErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** A JSON pointer with one more segment, escaped as RFC 6901 says. */
export function pointer(base: string, segment: string | number): string {
  return `${base}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
