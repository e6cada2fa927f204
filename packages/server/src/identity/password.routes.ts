import { Me, PasswordSignInBody, PasswordSignUpBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import type { AuthRateLimits } from './auth.rate-limit';
import { checkOrigin } from './auth.hooks';
import { signUpWithPassword, verifyPassword } from './password.service';
import { beginSession } from './session.routes';

/** Email + password sign-up and sign-in: the fallback to passkeys. */
export function passwordRoutes(ctx: ServerContext, limits: AuthRateLimits): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/auth/password/sign-up',
      {
        onRequest: limits.byIp('password-sign-up'),
        schema: { tags: ['identity'], summary: 'Sign up with email and password', body: PasswordSignUpBody, response: { 201: Me } },
      },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await signUpWithPassword(ctx, request.body);
        return reply.code(201).send(await beginSession(ctx, { request, reply, personId }));
      },
    );

    app.post(
      '/v1/auth/password/sign-in',
      {
        onRequest: limits.byIp('password-sign-in'),
        preHandler: limits.byEmail('password-sign-in'),
        schema: { tags: ['identity'], summary: 'Sign in with email and password', body: PasswordSignInBody, response: { 200: Me } },
      },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await verifyPassword(ctx, request.body);
        return beginSession(ctx, { request, reply, personId });
      },
    );
  };
}
