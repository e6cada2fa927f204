import { AddMemberBody, BusinessParams, Member, MemberList, MemberParams, MembershipList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { addMember, authorizeMember, listMembers, listMemberships, removeMember, rolesAllowed } from './member.service';

const tags = ['business'];

/**
 * A business's members, for people signed in with a session. A business the caller is not a
 * member of answers 404 on every route, as one that does not exist.
 */
export function memberRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/business',
      { preHandler, schema: { tags, summary: 'The businesses I am a member of, with my role', response: { 200: MembershipList } } },
      async (request) => listMemberships(ctx, principalOf(request).personId),
    );

    app.get(
      '/v1/business/:businessId/members',
      { preHandler, schema: { tags, summary: 'Members of a business (owner, developer)', params: BusinessParams, response: { 200: MemberList } } },
      async (request) => {
        const { businessId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.listMembers);
        return { members: await listMembers(ctx, businessId) };
      },
    );

    app.post(
      '/v1/business/:businessId/members',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Add a member by the email of their Parley account (owner)',
          params: BusinessParams,
          body: AddMemberBody,
          response: { 201: Member },
        },
      },
      async (request, reply) => {
        const { businessId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageMembers);
        return reply.code(201).send(await addMember(ctx, { businessId, ...request.body }));
      },
    );

    app.delete(
      '/v1/business/:businessId/members/:memberId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Remove a member (owner)',
          description: 'The last owner cannot be removed (409 ERR_LAST_OWNER).',
          params: MemberParams,
        },
      },
      async (request, reply) => {
        const { businessId, memberId } = request.params;
        await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageMembers);
        await removeMember(ctx, { businessId, memberId });
        return reply.code(204).send();
      },
    );
  };
}
