import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { authenticateToken, authenticateWsTicket, readSessionCookie, type Principal } from '../identity';
import { AppError } from '../platform/errors';
import type { SocketRegistry } from './gateway.sockets';

const bearer = /^Bearer ([A-Za-z0-9_-]{1,256})$/;

/**
 * Who opens this socket. Non-browser clients send `Authorization: Bearer <ticket>` (a
 * single-use ticket from POST /v1/ws-ticket); browsers send the session cookie. An Origin,
 * when sent, must be ours: a cookie rides along on any site's WebSocket (cross-site hijacking).
 */
async function authenticateUpgrade(ctx: ServerContext, request: FastifyRequest): Promise<Principal> {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ctx.config.publicUrl.origin) {
    throw new AppError('ERR_CSRF', { message: 'This WebSocket comes from another site.' });
  }
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const ticket = bearer.exec(authorization)?.[1];
    if (ticket === undefined) throw new AppError('ERR_TICKET_INVALID');
    return authenticateWsTicket(ctx, ticket);
  }
  const token = readSessionCookie(ctx.config, request);
  if (!token) throw new AppError('ERR_UNAUTHENTICATED');
  return authenticateToken(ctx, token);
}

function corkUntilNextTick(socket: Duplex | undefined): void {
  if (!socket) return;
  socket.cork();
  process.nextTick(() => socket.uncork());
}

/**
 * The WebSocket gateway at GET /v1/ws. An upgrade that fails authentication is answered with
 * the error body: 401 (ERR_UNAUTHENTICATED, ERR_SESSION_EXPIRED, ERR_TICKET_INVALID), 403 cross-site.
 */
export function gatewayRoutes(ctx: ServerContext, registry: SocketRegistry): FastifyPluginAsync {
  return async (app) => {
    // The 101 that ws writes next and the `hello` the handler writes right after it leave in one
    // syscall (one read for the client): a reconnect storm pays per write.
    app.websocketServer.on('headers', (_headers: string[], request: IncomingMessage) => corkUntilNextTick(request.socket));
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
