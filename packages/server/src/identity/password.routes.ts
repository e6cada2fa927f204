import { Me, PasswordSignInBody, PasswordSignUpBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { checkOrigin, principalOf, requirePerson } from './auth.hooks';
import { describePerson, signUpWithPassword, verifyPassword } from './password.service';
import { clearSessionCookie, setSessionCookie } from './session.cookie';
import { endSession, startSession } from './session.service';

/** Email + password sign-up and sign-in (the fallback to passkeys), /v1/me and sign-out. */
export function passwordRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/auth/password/sign-up',
      { schema: { tags: ['identity'], summary: 'Sign up with email and password', body: PasswordSignUpBody, response: { 201: Me } } },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await signUpWithPassword(ctx, request.body);
        const { token, principal } = await startSession(ctx, { personId, userAgent: request.headers['user-agent'] });
        setSessionCookie(ctx.config, reply, token);
        return reply.code(201).send(await describePerson(ctx, personId, principal.csrfToken));
      },
    );

    app.post(
      '/v1/auth/password/sign-in',
      { schema: { tags: ['identity'], summary: 'Sign in with email and password', body: PasswordSignInBody, response: { 200: Me } } },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await verifyPassword(ctx, request.body);
        const { token, principal } = await startSession(ctx, { personId, userAgent: request.headers['user-agent'] });
        setSessionCookie(ctx.config, reply, token);
        return describePerson(ctx, personId, principal.csrfToken);
      },
    );

    app.get(
      '/v1/me',
      { preHandler: requirePerson(ctx), schema: { tags: ['identity'], summary: 'Who am I', response: { 200: Me } } },
      async (request) => {
        const principal = principalOf(request);
        return describePerson(ctx, principal.personId, principal.csrfToken);
      },
    );

    app.post(
      '/v1/auth/sign-out',
      { preHandler: requirePerson(ctx), schema: { tags: ['identity'], summary: 'Sign out of this session' } },
      async (request, reply) => {
        await endSession(ctx, principalOf(request).sessionId);
        clearSessionCookie(ctx.config, reply);
        return reply.code(204).send();
      },
    );
  };
}
