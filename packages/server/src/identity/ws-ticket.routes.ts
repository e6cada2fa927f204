import { WsTicket } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from './auth.hooks';
import { issueWsTicket } from './ws-ticket.service';

/** Tickets for WebSocket clients that cannot send the session cookie. */
export function wsTicketRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/ws-ticket',
      {
        preHandler: requirePerson(ctx),
        schema: {
          tags: ['identity'],
          summary: 'A single-use ticket, valid 60 s, for a WebSocket upgrade with Authorization: Bearer <ticket>',
          response: { 200: WsTicket },
        },
      },
      async (request) => issueWsTicket(ctx, principalOf(request)),
    );
  };
}
