import { Me, PasskeyIdParams, PasskeyOptionsReply, PasskeySignUpOptionsBody, PasskeyVerifyBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import type { AuthRateLimits } from './auth.rate-limit';
import { checkOrigin, principalOf, requirePerson } from './auth.hooks';
import { finishAddingPasskey, finishPasskeySignUp, startAddingPasskey, startPasskeySignUp } from './passkey-registration.service';
import { finishPasskeySignIn, startPasskeySignIn } from './passkey-sign-in.service';
import { removePasskey } from './passkey.service';
import { describePerson } from './person.service';
import { beginSession } from './session.routes';

/** Passkey sign-up and sign-in (two steps each: options, then verify), and managing one's passkeys. */
export function passkeyRoutes(ctx: ServerContext, limits: AuthRateLimits): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['identity'];
    app.post(
      '/v1/auth/passkey/sign-up/options',
      {
        onRequest: limits.byIp('passkey-sign-up-options'),
        schema: { tags, summary: 'Start a passkey sign-up', body: PasskeySignUpOptionsBody, response: { 200: PasskeyOptionsReply } },
      },
      async (request) => {
        checkOrigin(ctx, request);
        return startPasskeySignUp(ctx, request.body);
      },
    );
    app.post(
      '/v1/auth/passkey/sign-up/verify',
      {
        onRequest: limits.byIp('passkey-sign-up-verify'),
        schema: { tags, summary: 'Finish a passkey sign-up', body: PasskeyVerifyBody, response: { 201: Me } },
      },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await finishPasskeySignUp(ctx, request.body);
        return reply.code(201).send(await beginSession(ctx, { request, reply, personId }));
      },
    );
    app.post(
      '/v1/auth/passkey/sign-in/options',
      {
        onRequest: limits.byIp('passkey-sign-in-options'),
        schema: { tags, summary: 'Start a passkey sign-in (send {})', response: { 200: PasskeyOptionsReply } },
      },
      async (request) => {
        checkOrigin(ctx, request);
        return startPasskeySignIn(ctx);
      },
    );
    app.post(
      '/v1/auth/passkey/sign-in/verify',
      {
        onRequest: limits.byIp('passkey-sign-in-verify'),
        schema: { tags, summary: 'Finish a passkey sign-in', body: PasskeyVerifyBody, response: { 200: Me } },
      },
      async (request, reply) => {
        checkOrigin(ctx, request);
        const personId = await finishPasskeySignIn(ctx, request.body);
        return beginSession(ctx, { request, reply, personId });
      },
    );

    app.post(
      '/v1/me/passkeys/options',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Start adding a passkey', response: { 200: PasskeyOptionsReply } } },
      async (request) => startAddingPasskey(ctx, principalOf(request).personId),
    );
    app.post(
      '/v1/me/passkeys',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Finish adding a passkey', body: PasskeyVerifyBody, response: { 201: Me } } },
      async (request, reply) => {
        const principal = principalOf(request);
        await finishAddingPasskey(ctx, principal.personId, request.body);
        return reply.code(201).send(await describePerson(ctx, principal.personId, principal.csrfToken));
      },
    );
    app.delete(
      '/v1/me/passkeys/:id',
      { preHandler: requirePerson(ctx), schema: { tags, summary: 'Remove a passkey', params: PasskeyIdParams } },
      async (request, reply) => {
        await removePasskey(ctx, principalOf(request).personId, request.params.id);
        return reply.code(204).send();
      },
    );
  };
}
