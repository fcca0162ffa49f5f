// The old service's documentation shows GET requests with a JSON body. Fastify treats GET
// as bodyless and never reads it, so analytics GET routes read it here, with the same size
// limit as other bodies.
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

export async function readGetBody(request: FastifyRequest, limit: number): Promise<unknown> {
  const h = request.headers;
  const length = Number(h['content-length'] ?? 0);
  if (!(length > 0) && h['transfer-encoding'] === undefined) return undefined;
  if (length > limit) throw new ApiError('payload_too_large', 'request body is too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError('payload_too_large', 'request body is too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('invalid_parameter', 'the request body is not valid JSON', [{ path: '', message: (e as Error).message }]);
  }
}
