import { Consent, ConsentList, ConsentParams } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { listConsents, revokeConsent } from './consent.service';

const tags = ['banking'];

/** A person's consents: list and revoke. Another person's consent is 404, like one that does not exist. */
export function consentRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/consents',
      { preHandler, schema: { tags, summary: 'My bank consents (an expired one shows as expired)', response: { 200: ConsentList } } },
      async (request) => ({ consents: await listConsents(ctx, principalOf(request).personId) }),
    );

    app.delete(
      '/v1/consents/:consentId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Revoke a consent',
          description: "Deletes the consent at the bank and revokes its token, deletes Parley's tokens, destroys the consent's data key and signs a revocation receipt.",
          params: ConsentParams,
          response: { 200: Consent },
        },
      },
      async (request) => revokeConsent(ctx, { personId: principalOf(request).personId, consentId: request.params.consentId }),
    );
  };
}
