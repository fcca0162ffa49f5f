// The page's only way to the server: the public API under /api/v1, with the tab's API key
// (as X-API-Key, which leaves Authorization to the debug token). Refusals come back as
// ApiProblem, holding the API's own error body, so the page shows them as the API gave them.
import { apiKey } from './session.ts';

export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly details?: readonly { path: string; message: string; suggestion?: string }[];
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    text: string,
  ) {
    super(body?.error ?? (text || `HTTP ${status}`));
  }
}

export type Params = Record<string, string | undefined>;

/** The path and query of an API call (undefined and empty members left out). */
export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `/api/v1/${path}${s ? `?${s}` : ''}`;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey();
  return { accept: 'application/json', ...(key ? { 'x-api-key': key } : {}), ...extra };
}

/** A 401 from the key check: the page asks for a key (main.ts listens). */
export const KEY_NEEDED = 'analytics:key-needed';

async function problem(r: Response): Promise<ApiProblem> {
  const text = await r.text();
  let body: ErrorBody | undefined;
  try {
    const j = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof j.error === 'string' && typeof j.code === 'string') body = j as ErrorBody;
  } catch {
    // Not the API's error shape (a proxy's page): shown as text.
  }
  return new ApiProblem(r.status, body, text.slice(0, 500));
}

export async function call(url: string, init: RequestInit & { headers?: Record<string, string> } = {}, keyPrompt = true): Promise<Response> {
  const r = await fetch(url, { ...init, headers: headers(init.headers) });
  if (r.ok) return r;
  const p = await problem(r);
  if (keyPrompt && r.status === 401 && p.body?.code === 'unauthorized') window.dispatchEvent(new CustomEvent(KEY_NEEDED, { detail: p }));
  throw p;
}

/** `signal`: a request the page no longer needs (the view changed) is aborted, so that the
 *  server stops working on it. */
export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  return (await (await call(apiUrl(path, params), signal ? { signal } : {})).json()) as T;
}

/** Saves a response as a file, named as the server's Content-Disposition names it. */
export async function saveResponse(r: Response, fallback: string): Promise<void> {
  const cd = r.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(cd)?.[1] ?? fallback;
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads an API answer as CSV (the API's own format=csv, not a copy made here). */
export async function downloadCsv(path: string, params: Params): Promise<void> {
  const r = await call(apiUrl(path, { ...params, format: 'csv' }), { headers: { accept: 'text/csv' } });
  await saveResponse(r, `${path.replace(/\W+/g, '-')}.csv`);
}
