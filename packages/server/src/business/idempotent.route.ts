import { idempotencyHeaders } from '@parley/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { businessOf } from './api-key.hooks';
import type { Idempotency } from './idempotency.service';

/** What an idempotent create gets: the calling business, the validated body, and the key's fingerprint. */
export interface IdempotentCreate<Body> {
  readonly businessId: string;
  readonly body: Body;
  /** Stays the same when a retry takes over a request that died half way: name what `work` makes by it. */
  readonly fingerprint: string;
  /** When the key was first reserved: stays the same with the fingerprint (a time for ids made from it). */
  readonly reservedAt: number;
}

/**
 * The handler of a Business API POST that takes an `Idempotency-Key` (the Send, Alert and
 * Notices APIs): the first request with a key runs `work` and answers 201 with its result; the
 * same key and body again answer that, with `Idempotent-Replayed: true`. The route's schema has
 * validated the body and the header (SendApiHeaders) and its preHandler the API key.
 *
 * @example
 * app.post('/v1/notices', { preHandler, schema }, idempotentCreate(idempotency, '/v1/notices', (input) => sendNotice(ctx, input)));
 */
export function idempotentCreate<Body, Result>(idempotency: Idempotency, path: string, work: (input: IdempotentCreate<Body>) => Promise<Result>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { businessId } = businessOf(request);
    const body = request.body as Body;
    const key = request.headers[idempotencyHeaders.key] as string;
    const { answer, replayed } = await idempotency.run({ businessId, key, method: 'POST', path, body }, async ({ fingerprint, reservedAt }) => ({
      status: 201 as const,
      body: await work({ businessId, body, fingerprint, reservedAt }),
    }));
    if (replayed) void reply.header(idempotencyHeaders.replayed, 'true');
    // Sent here, at once (the body is JSON): the handler's own resolution carries nothing.
    void reply.code(answer.status).send(answer.body);
  };
}
