// Access keys (SPEC-query.md section 3): parsing API_KEYS / API_KEYS_FILE, and the hook that
// asks every /api/... and old-service /analytics... request, every route that says so (`config.needsKey`: /fetch), and /metrics, for a key.
// Secrets are compared in constant time and never logged; the key's name goes to the
// request's log lines, the metrics and the rate limiter instead.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import type { SecurityScheme } from './openapi.ts';

export interface AccessKey {
  /** Shown in logs and metrics labels: letters, digits, '.', '_', '-'. */
  readonly name: string;
  readonly secret: string;
}

export const MIN_SECRET_LENGTH = 16;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Visible ASCII: what both headers carry unchanged (Bearer tokens included), no spaces. */
const SECRET_CHARS = /^[\x21-\x7e]+$/;

/** One `name:secret` pair as written, with where it was written for error messages. */
export interface KeyEntry {
  readonly text: string;
  readonly where: string;
}

/** API_KEYS: comma-separated pairs (empty entries skipped). */
export const entriesOfList = (list: string, source = 'API_KEYS'): KeyEntry[] =>
  list.split(',').map((text, i) => ({ text: text.trim(), where: `${source} entry ${i + 1}` })).filter((e) => e.text !== '');

/** API_KEYS_FILE: one pair per line; blank lines and lines starting with '#' skipped. */
export const entriesOfFile = (content: string, source: string): KeyEntry[] =>
  content.split(/\r?\n/).map((text, i) => ({ text: text.trim(), where: `${source} line ${i + 1}` })).filter((e) => e.text !== '' && !e.text.startsWith('#'));

/** The keys of the entries, or an Error naming the first problem. The messages name keys and
 *  places, never a secret (nor a string that failed to parse, which might be one). */
export function parseAccessKeys(entries: readonly KeyEntry[]): AccessKey[] {
  const keys: (AccessKey & { where: string })[] = [];
  for (const { text, where } of entries) {
    const colon = text.indexOf(':');
    if (colon < 0) throw new Error(`${where}: expected name:secret`);
    // The name ends at the first ':'; a secret may hold more of them.
    const name = text.slice(0, colon).trim();
    const secret = text.slice(colon + 1).trim();
    if (!name) throw new Error(`${where}: the key's name is empty`);
    if (!NAME.test(name)) throw new Error(`${where}: a key's name is 1 to 64 letters, digits, '.', '_' or '-'`);
    if (!secret) throw new Error(`${where}: the secret of key '${name}' is empty`);
    if (!SECRET_CHARS.test(secret)) throw new Error(`${where}: the secret of key '${name}' must be visible ASCII characters without spaces`);
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`${where}: the secret of key '${name}' is shorter than ${MIN_SECRET_LENGTH} characters`);
    const same = keys.find((k) => k.name === name);
    if (same) throw new Error(`${where}: the key name '${name}' is already used (${same.where})`);
    const twin = keys.find((k) => k.secret === secret);
    if (twin) throw new Error(`${where}: key '${name}' has the same secret as key '${twin.name}'`);
    keys.push({ name, secret, where });
  }
  return keys.map(({ name, secret }) => ({ name, secret }));
}

/** Finds the key a secret belongs to. Each secret is stored as its HMAC under a key drawn at
 *  start, which no client knows: the lookup by that digest takes the same time however many
 *  keys there are, and how long it takes depends only on digests a client can neither choose
 *  nor see, so it says nothing about which key a guess nearly matched. The hit is confirmed
 *  with timingSafeEqual over the whole digest (a miss compares against a dummy, as long). */
export class KeyRing {
  private readonly mac = randomBytes(32);
  private readonly byDigest = new Map<string, { name: string; digest: Buffer }>();
  private readonly dummy: Buffer;

  constructor(keys: readonly AccessKey[]) {
    for (const k of keys) {
      const digest = this.digest(k.secret);
      this.byDigest.set(digest.toString('hex'), { name: k.name, digest });
    }
    this.dummy = this.digest(randomBytes(32).toString('hex'));
  }

  get size(): number {
    return this.byDigest.size;
  }

  private digest(secret: string): Buffer {
    return createHmac('sha256', this.mac).update(secret).digest();
  }

  /** The name of the key with this secret; undefined for any other string. */
  match(secret: string): string | undefined {
    const given = this.digest(secret);
    const hit = this.byDigest.get(given.toString('hex'));
    const equal = timingSafeEqual(given, hit?.digest ?? this.dummy);
    return equal && hit ? hit.name : undefined;
  }
}

/** Paths that need a key (by the matched route's pattern, so that a percent-encoded or
 *  otherwise respelled URL of a route is judged as the route). Everything else stays open:
 *  /health, /ready, /docs and its assets, /openapi.json, the page. */
export function needsKey(path: string, config?: FastifyContextConfig): boolean {
  return config?.needsKey === true || path === '/metrics' || path === '/api' || path.startsWith('/api/') || path === '/analytics' || path.startsWith('/analytics/');
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route outside /api that answers data (a dataset's old-service path, as /fetch/):
     *  it asks for a key as /api does. Routes say so themselves, so that this module names none. */
    needsKey?: boolean;
  }
}

/** Query parameters that look like a credential: refused, never read (a URL ends up in logs,
 *  proxies and browser histories). */
const URL_CREDENTIALS = new Set(['api_key', 'apikey', 'api-key', 'key', 'access_token', 'token']);

function credentialParams(url: string): string[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return [...new Set([...new URLSearchParams(url.slice(q + 1)).keys()].filter((k) => URL_CREDENTIALS.has(k.toLowerCase())))];
}

/** The URL with the values of credential-like parameters replaced, for logs. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((part) => {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed name is kept as it is: it names no credential parameter.
    }
    return URL_CREDENTIALS.has(decoded.toLowerCase()) ? `${name}=[redacted]` : part;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

const names = new WeakMap<FastifyRequest, string>();

/** The name of the key a request was let in with (undefined where keys are off, or the route
 *  is open). */
export const accessKeyName = (request: FastifyRequest): string | undefined => names.get(request);

const HEADERS = '"Authorization: Bearer <key>" or "X-API-Key: <key>"';
const HOW = `send it as ${HEADERS}`;

/** The secret a request presents: X-API-Key where present (then Authorization is left to the
 *  route: the debug and admin endpoints' DEBUG_TOKEN travels there), else a Bearer token. */
function presented(request: FastifyRequest): { secret: string } | { problem: string } {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.trim() !== '') return { secret: header.trim() };
  const auth = request.headers.authorization;
  if (auth === undefined || auth.trim() === '') return { problem: `an API key is required: ${HOW}` };
  const m = /^Bearer +(\S+) *$/i.exec(auth);
  return m ? { secret: m[1]! } : { problem: `the Authorization header must be "Bearer <key>"; ${HOW}` };
}

function refuse(reply: FastifyReply, message: string, invalidToken: boolean): FastifyReply {
  const e = new ApiError('unauthorized', message);
  return reply
    .status(e.status)
    .header('www-authenticate', invalidToken ? 'Bearer realm="analytics", error="invalid_token"' : 'Bearer realm="analytics"')
    .send(e.body());
}

/** OpenAPI security schemes (components.securitySchemes), for Swagger UI's "Authorize". */
export const SECURITY_SCHEMES = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key; on the debug and admin endpoints, DEBUG_TOKEN (the API key then goes in X-API-Key)' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key' },
} as const satisfies Record<string, SecurityScheme>;

/** Asks for a key on every path needsKey names, before the route runs and before the rate
 *  limiter (a route-level hook, so after this one) counts the request: a missing or unknown
 *  key costs no one's budget. Call before the routes are declared. */
export function installAccessKeys(app: FastifyInstance, ring: KeyRing): void {
  // Documentation: the protected routes declare what they accept.
  app.addHook('onRoute', (route) => {
    if (!route.schema || !needsKey(route.url, route.config)) return;
    const tags = (route.schema as { tags?: string[] }).tags ?? [];
    const debug = tags.includes('debug') || tags.includes('admin');
    const security = debug ? [{ apiKeyHeader: [], bearerAuth: [] }] : [{ bearerAuth: [] }, { apiKeyHeader: [] }];
    route.schema = { ...route.schema, security } as typeof route.schema;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!needsKey(request.routeOptions.url ?? request.url.split('?')[0]!, request.routeOptions.config)) return;
    const inUrl = credentialParams(request.url);
    if (inUrl.length) {
      const e = new ApiError('invalid_parameter', `API keys are not accepted in the URL; ${HOW}`, inUrl.map((p) => ({ path: `/${p}`, message: `remove '${p}' from the query string and send the key in a header: ${HEADERS}` })));
      return reply.status(e.status).send(e.body());
    }
    const given = presented(request);
    if ('problem' in given) return refuse(reply, given.problem, false);
    const name = ring.match(given.secret);
    if (name === undefined) return refuse(reply, 'unknown API key', true);
    names.set(request, name);
    // Every later line of the request (the "request completed" one included) names the key.
    request.log = reply.log = request.log.child({ key: name });
  });
}
