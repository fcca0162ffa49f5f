// POST /api/v1/admin/reload: switch to the snapshot now at ANALYTICS_DB. Exists only when a
// debug token is configured; the bearer token is compared in constant time.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { ALWAYS, responses } from '../openapi.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function checkBearer(request: FastifyRequest, token: string): void {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  if (!given || !timingSafeEqual(digest(given), digest(token))) throw new ApiError('unauthorized', 'a valid bearer token is required');
}

export function adminRoutes(app: FastifyInstance, token: string, reload: () => Promise<unknown>): void {
  app.post('/api/v1/admin/reload', { schema: { summary: 'Switch to the snapshot now at ANALYTICS_DB', operationId: 'postAdminReload', tags: ['admin'], response: responses('ReloadAnswer', [401, ...ALWAYS]) } }, async (request) => {
    checkBearer(request, token);
    try {
      const meta = await reload();
      return { status: 'reloaded', snapshot: meta };
    } catch (e) {
      request.log.error({ err: e }, 'reload failed');
      throw new ApiError('unavailable', 'could not open the new snapshot; still serving the previous one');
    }
  });
}
