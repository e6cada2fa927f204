import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { readSessionCookie } from './session.cookie';
import { authenticateToken, safeEqual, type Principal } from './session.service';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requirePerson`; null on routes that do not require it. */
    principal: Principal | null;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A request from another origin is refused outright. Browsers always send Origin on
 * cross-origin and on unsafe requests; non-browser clients send none and are not at risk.
 */
export function checkOrigin(ctx: ServerContext, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ctx.config.publicUrl.origin) {
    throw new AppError('ERR_CSRF', { message: 'This request comes from another site.' });
  }
}

/** preHandler: the caller must hold a live session; unsafe methods must also carry its CSRF token. */
export function requirePerson(ctx: ServerContext) {
  return async function requirePersonHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const token = readSessionCookie(ctx.config, request);
    if (!token) throw new AppError('ERR_UNAUTHENTICATED');
    const principal = await authenticateToken(ctx, token);
    if (unsafeMethods.has(request.method)) {
      checkOrigin(ctx, request);
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !safeEqual(header, principal.csrfToken)) throw new AppError('ERR_CSRF');
    }
    request.principal = principal;
  };
}

/** The principal set by `requirePerson`; throws if a route forgot the hook. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('ERR_UNAUTHENTICATED');
  return request.principal;
}
