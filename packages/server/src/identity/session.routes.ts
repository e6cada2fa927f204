import { Me, SessionIdParams, SessionList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from './auth.hooks';
import { describePerson } from './person.service';
import { clearSessionCookie, setSessionCookie } from './session.cookie';
import { endAllSessions, endOwnSession, endSession, listSessions, startSession } from './session.service';

/** After any successful sign-up or sign-in: a new session, its cookie, and the person as `Me`. */
export async function beginSession(
  ctx: ServerContext,
  input: { request: FastifyRequest; reply: FastifyReply; personId: string },
): Promise<Me> {
  const { token, principal } = await startSession(ctx, { personId: input.personId, userAgent: input.request.headers['user-agent'] });
  setSessionCookie(ctx.config, input.reply, token);
  return describePerson(ctx, input.personId, principal.csrfToken);
}

/** /v1/me, the person's sessions, and signing out of one or all of them. */
export function sessionRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['identity'];
    app.get(
      '/v1/me',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Who am I', response: { 200: Me } } },
      async (request) => {
        const principal = principalOf(request);
        return describePerson(ctx, principal.personId, principal.csrfToken);
      },
    );

    app.get(
      '/v1/sessions',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'My signed-in sessions', response: { 200: SessionList } } },
      async (request) => ({ sessions: await listSessions(ctx, principalOf(request)) }),
    );

    app.delete(
      '/v1/sessions/:id',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Sign out one of my sessions', params: SessionIdParams } },
      async (request, reply) => {
        const principal = principalOf(request);
        await endOwnSession(ctx, principal.personId, request.params.id);
        if (request.params.id === principal.sessionId) clearSessionCookie(ctx.config, reply);
        return reply.code(204).send();
      },
    );

    app.post(
      '/v1/auth/sign-out',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Sign out of this session' } },
      async (request, reply) => {
        await endSession(ctx, principalOf(request).sessionId);
        clearSessionCookie(ctx.config, reply);
        return reply.code(204).send();
      },
    );

    app.post(
      '/v1/auth/sign-out-everywhere',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Sign out of every session, on every device' } },
      async (request, reply) => {
        await endAllSessions(ctx, principalOf(request).personId);
        clearSessionCookie(ctx.config, reply);
        return reply.code(204).send();
      },
    );
  };
}
