import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config';
import { AppError } from '../platform/errors';

const bearer = /^Bearer +(\S+) *$/i;

function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

/**
 * onRequest hook for `/v1/admin/*`: the operator token as `Authorization: Bearer …`. With no
 * token configured the admin API does not exist (404). It runs before the body is parsed, so
 * nothing about a route is revealed to a caller without the token.
 */
export function requireOperator(config: Pick<Config, 'adminToken'>) {
  // Digests have one length, so timingSafeEqual never throws and leaks not even the token's length.
  const expected = config.adminToken ? digest(config.adminToken) : null;
  return async function requireOperatorHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (!expected) throw new AppError('ERR_NOT_FOUND');
    const presented = bearer.exec(request.headers.authorization ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      throw new AppError('ERR_UNAUTHENTICATED', { message: 'Send the operator token as "Authorization: Bearer <PARLEY_ADMIN_TOKEN>".' });
    }
  };
}
