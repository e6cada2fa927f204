import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { passwordRoutes } from './password.routes';

/** Every identity route: password and passkey sign-up/in, sessions, tickets. */
export function identityRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(passwordRoutes(ctx));
  };
}
