import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { registerAuthRateLimits } from './auth.rate-limit';
import { passkeyRoutes } from './passkey.routes';
import { passwordRoutes } from './password.routes';
import { sessionRoutes } from './session.routes';
import { stepUpRoutes } from './step-up.routes';
import { wsTicketRoutes } from './ws-ticket.routes';

/** Every identity route: password and passkey sign-up/in, sessions, tickets, step-up. */
export function identityRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const limits = await registerAuthRateLimits(app, ctx.config);
    await app.register(passwordRoutes(ctx, limits));
    await app.register(passkeyRoutes(ctx, limits));
    await app.register(sessionRoutes(ctx));
    await app.register(wsTicketRoutes(ctx));
    await app.register(stepUpRoutes(ctx));
  };
}
