import type { ApiKeyScope } from '@parley/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors';
import type { BusinessContext } from './business.service';
import { authenticateApiKey, type ApiKeyPrincipal } from './api-key.service';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireApiKey`; null on routes that do not take an API key. */
    business: ApiKeyPrincipal | null;
  }
}

const bearer = /^Bearer +(\S+) *$/i;

/**
 * preHandler for the Business API: the caller must send a live key of a business, holding
 * `scope`, as `Authorization: Bearer <key>`. Sets `request.business`. No cookies, so no CSRF:
 * a browser never sends this header on its own.
 *
 * @example
 * app.post('/v1/messages', { preHandler: requireApiKey(ctx, 'messages:send') }, async (request) => {
 *   const { businessId } = businessOf(request);
 * });
 */
export function requireApiKey(ctx: BusinessContext, scope: ApiKeyScope) {
  return async function requireApiKeyHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const presented = bearer.exec(request.headers.authorization ?? '')?.[1];
    if (!presented) throw new AppError('ERR_UNAUTHENTICATED', { message: 'Send an API key as "Authorization: Bearer pk_…".' });
    const principal = await authenticateApiKey(ctx, presented);
    if (!principal.scopes.includes(scope)) {
      throw new AppError('ERR_SCOPE_MISSING', { message: `This API key lacks the scope ${scope}.` });
    }
    request.business = principal;
  };
}

/** The business set by `requireApiKey`; throws if a route forgot the hook. */
export function businessOf(request: FastifyRequest): ApiKeyPrincipal {
  if (!request.business) throw new AppError('ERR_UNAUTHENTICATED');
  return request.business;
}
