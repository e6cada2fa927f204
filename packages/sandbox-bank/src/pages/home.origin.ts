import type { FastifyRequest } from 'fastify';
import type { BankContext } from '../context';

/**
 * CSRF guard for the bank website's form posts. The session cookie is SameSite=Lax already;
 * on top, a POST must carry an Origin header equal to the bank's own public origin (every
 * current browser sends one on a form POST). A missing or foreign Origin is refused.
 */
export function isSameOrigin(request: FastifyRequest, ctx: BankContext): boolean {
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin === ctx.config.publicUrl.origin;
}
