import {
  AddMemberBody,
  ApiKeyList,
  ApiKeyParams,
  Business,
  BusinessList,
  BusinessParams,
  CreateApiKeyBody,
  CreateBusinessBody,
  CreatedApiKey,
  Member,
  MemberList,
  MemberParams,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { requireOperator } from './admin.hooks';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key.service';
import { createBusiness, listDirectory, requireBusiness } from './business.service';
import { addMember, listMembers, removeMember } from './member.service';

const tags = ['operator'];

/**
 * The operator's admin API: what `parley business …` does, over HTTP, with the operator token.
 * Without PARLEY_ADMIN_TOKEN every route answers 404.
 */
export function adminRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', requireOperator(ctx.config));

    app.get('/v1/admin/businesses', { schema: { tags, summary: 'Every business', response: { 200: BusinessList } } }, async () => ({
      businesses: await listDirectory(ctx),
    }));

    app.post(
      '/v1/admin/businesses',
      { schema: { tags, summary: 'Register a business', description: 'The slug is made from the name unless given; a taken slug is 409.', body: CreateBusinessBody, response: { 201: Business } } },
      async (request, reply) => reply.code(201).send(await createBusiness(ctx, request.body)),
    );

    app.get(
      '/v1/admin/businesses/:businessId/members',
      { schema: { tags, summary: 'Members of a business', params: BusinessParams, response: { 200: MemberList } } },
      async (request) => {
        await requireBusiness(ctx, request.params.businessId);
        return { members: await listMembers(ctx, request.params.businessId) };
      },
    );

    app.post(
      '/v1/admin/businesses/:businessId/members',
      { schema: { tags, summary: 'Add a member (typically the first owner)', params: BusinessParams, body: AddMemberBody, response: { 201: Member } } },
      async (request, reply) => reply.code(201).send(await addMember(ctx, { businessId: request.params.businessId, ...request.body })),
    );

    app.delete(
      '/v1/admin/businesses/:businessId/members/:memberId',
      { schema: { tags, summary: 'Remove a member', params: MemberParams } },
      async (request, reply) => {
        await removeMember(ctx, request.params);
        return reply.code(204).send();
      },
    );

    app.get(
      '/v1/admin/businesses/:businessId/keys',
      { schema: { tags, summary: 'API keys of a business', params: BusinessParams, response: { 200: ApiKeyList } } },
      async (request) => {
        await requireBusiness(ctx, request.params.businessId);
        return { keys: await listApiKeys(ctx, request.params.businessId) };
      },
    );

    app.post(
      '/v1/admin/businesses/:businessId/keys',
      { schema: { tags, summary: 'Make an API key; the secret is shown once', params: BusinessParams, body: CreateApiKeyBody, response: { 201: CreatedApiKey } } },
      async (request, reply) => reply.code(201).send(await createApiKey(ctx, { businessId: request.params.businessId, ...request.body })),
    );

    app.delete(
      '/v1/admin/businesses/:businessId/keys/:keyId',
      { schema: { tags, summary: 'Revoke an API key at once', params: ApiKeyParams } },
      async (request, reply) => {
        await revokeApiKey(ctx, request.params);
        return reply.code(204).send();
      },
    );
  };
}
