// GET /: the page for people (SPEC-query.md section 4), built by Vite from page/ into
// dist/page/ (`npm run build`). index.html is read on every request, so a rebuild shows at
// once; its assets carry content hashes in their names and are cached for good. The page
// calls the public API only, with the key a person enters (the page itself stays open).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ApiError } from './errors.ts';

/** The built page next to the running server: dist/page/ from dist/server/page.js, and the
 *  same folder from server/page.ts under tsx (npm run dev, the tests). */
export function defaultPageDir(base: string = import.meta.url): string {
  const typescript = new URL(base).pathname.endsWith('.ts');
  return fileURLToPath(new URL(typescript ? '../dist/page/' : '../page/', base));
}

const NOT_BUILT = 'the page is not built: run `npm run build` (npm start builds it)';

export async function pageRoutes(app: FastifyInstance, dir: string): Promise<void> {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    let html: string;
    try {
      html = await readFile(join(dir, 'index.html'), 'utf8');
    } catch {
      throw new ApiError('unavailable', NOT_BUILT);
    }
    // index.html names the current assets: never cached, so a rebuild is picked up.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
  // Only under /assets/: a wildcard at / would claim every unknown path, /api/... included,
  // and the access-key check judges a request by the route it matched.
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    // Not built yet: `/` says so; no warning at every start of a test app.
    suppressWarning: true,
    // Vite names every asset by its content's hash: a name never changes meaning.
    immutable: true,
    maxAge: '365d',
  });
}
