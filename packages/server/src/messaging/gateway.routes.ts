import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { authenticateToken, readSessionCookie, type Principal } from '../identity';
import { AppError } from '../platform/errors';
import type { SocketRegistry } from './gateway.sockets';

/**
 * Who opens this socket. Browsers authenticate with the session cookie, and then the Origin
 * must be ours (a cookie rides along on any site's WebSocket: cross-site hijacking).
 */
async function authenticateUpgrade(ctx: ServerContext, request: FastifyRequest): Promise<Principal> {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ctx.config.publicUrl.origin) {
    throw new AppError('ERR_CSRF', { message: 'This WebSocket comes from another site.' });
  }
  const token = readSessionCookie(ctx.config, request);
  if (!token) throw new AppError('ERR_UNAUTHENTICATED');
  return authenticateToken(ctx, token);
}

/** The WebSocket gateway at GET /v1/ws; an upgrade that fails authentication is answered 401 (403 cross-site). */
export function gatewayRoutes(ctx: ServerContext, registry: SocketRegistry): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/v1/ws',
      {
        websocket: true,
        preValidation: async (request) => {
          request.principal = await authenticateUpgrade(ctx, request);
        },
      },
      (socket, request) => {
        const principal = request.principal;
        if (!principal) {
          socket.close(1008, 'ERR_UNAUTHENTICATED');
          return;
        }
        registry.open(socket, { personId: principal.personId, sessionId: principal.sessionId, expiresAt: principal.expiresAt });
      },
    );
  };
}
