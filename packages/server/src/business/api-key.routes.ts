import { ApiKeyList, ApiKeyParams, BusinessParams, CreateApiKeyBody, CreatedApiKey } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key.service';
import { authorizeMember, rolesAllowed } from './member.service';

const tags = ['business'];

/**
 * API keys of a business, managed by its owners and developers with a session. Keys cannot
 * manage keys: a leaked key cannot mint another.
 */
export function apiKeyRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/business/:businessId/keys',
      { preHandler, schema: { tags, summary: 'API keys of a business, revoked ones too (owner, developer)', params: BusinessParams, response: { 200: ApiKeyList } } },
      async (request) => {
        const { businessId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageKeys);
        return { keys: await listApiKeys(ctx, businessId) };
      },
    );

    app.post(
      '/v1/business/:businessId/keys',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Make an API key (owner, developer)',
          description: 'The answer holds the secret; it is shown this once and Parley keeps only its hash. Several keys may be live at once, so a key is rotated by making the new one, deploying it, then revoking the old one.',
          params: BusinessParams,
          body: CreateApiKeyBody,
          response: { 201: CreatedApiKey },
        },
      },
      async (request, reply) => {
        const { businessId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageKeys);
        return reply.code(201).send(await createApiKey(ctx, { businessId, ...request.body }));
      },
    );

    app.delete(
      '/v1/business/:businessId/keys/:keyId',
      { preHandler, schema: { tags, summary: 'Revoke an API key at once (owner, developer)', params: ApiKeyParams } },
      async (request, reply) => {
        const { businessId, keyId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageKeys);
        await revokeApiKey(ctx, { businessId, keyId });
        return reply.code(204).send();
      },
    );
  };
}
