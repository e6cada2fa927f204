import {
  AcceptedInvite,
  BusinessParams,
  BusinessSettings,
  CannedResponse,
  CannedResponseBody,
  CannedResponseList,
  CannedResponseParams,
  CreatedInvite,
  CreateInviteBody,
  InviteList,
  InviteParams,
  InvitePreview,
  InviteTokenBody,
  UpdateBusinessSettingsBody,
  UpdateCannedResponseBody,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { createCannedResponse, deleteCannedResponse, listCannedResponses, updateCannedResponse } from './canned.service';
import { consoleMember, consoleRoles } from './console.access';
import { acceptInvite, createInvite, listInvites, previewInvite, revokeInvite } from './invite.service';
import { readSettings, updateSettings } from './settings.service';

const tags = ['console'];
const note = 'Agent console, with the session. A business you are not a member of answers 404; a role that lacks the right, 403. See docs/console.md.';

/** Owner settings: the business profile and inbox settings, canned responses, invites. */
export function settingsRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);
    const as = (request: Parameters<typeof consoleMember>[1] & { params: { businessId: string } }, allowed: readonly ('owner' | 'developer' | 'agent')[]) =>
      consoleMember(ctx, request, { businessId: request.params.businessId, allowed });

    app.get('/v1/business/:businessId/settings', { preHandler, schema: { tags, summary: 'Business profile and inbox settings (owner, developer)', description: note, params: BusinessParams, response: { 200: BusinessSettings } } }, async (request) => {
      await as(request, consoleRoles.readSettings);
      return readSettings(ctx, request.params.businessId);
    });

    app.patch(
      '/v1/business/:businessId/settings',
      { preHandler, schema: { tags, summary: 'Change the name, greeting, logo or inbox settings (owner)', description: note, params: BusinessParams, body: UpdateBusinessSettingsBody, response: { 200: BusinessSettings } } },
      async (request) => {
        await as(request, consoleRoles.manageSettings);
        return updateSettings(ctx, request.params.businessId, request.body);
      },
    );

    app.get('/v1/business/:businessId/canned', { preHandler, schema: { tags, summary: 'Canned responses (agent, owner)', description: note, params: BusinessParams, response: { 200: CannedResponseList } } }, async (request) => {
      await as(request, consoleRoles.inbox);
      return { responses: await listCannedResponses(ctx, request.params.businessId) };
    });

    app.post(
      '/v1/business/:businessId/canned',
      { preHandler, schema: { tags, summary: 'Add a canned response (owner); shortcuts are unique', description: note, params: BusinessParams, body: CannedResponseBody, response: { 201: CannedResponse } } },
      async (request, reply) => {
        await as(request, consoleRoles.manageSettings);
        return reply.code(201).send(await createCannedResponse(ctx, request.params.businessId, request.body));
      },
    );

    app.patch(
      '/v1/business/:businessId/canned/:cannedId',
      { preHandler, schema: { tags, summary: 'Change a canned response (owner)', description: note, params: CannedResponseParams, body: UpdateCannedResponseBody, response: { 200: CannedResponse } } },
      async (request) => {
        await as(request, consoleRoles.manageSettings);
        return updateCannedResponse(ctx, { businessId: request.params.businessId, cannedId: request.params.cannedId, body: request.body });
      },
    );

    app.delete('/v1/business/:businessId/canned/:cannedId', { preHandler, schema: { tags, summary: 'Delete a canned response (owner)', description: note, params: CannedResponseParams } }, async (request, reply) => {
      await as(request, consoleRoles.manageSettings);
      await deleteCannedResponse(ctx, request.params);
      return reply.code(204).send();
    });

    app.get('/v1/business/:businessId/invites', { preHandler, schema: { tags, summary: 'Invites not yet used, revoked or expired (owner)', description: note, params: BusinessParams, response: { 200: InviteList } } }, async (request) => {
      await as(request, consoleRoles.manageInvites);
      return { invites: await listInvites(ctx, request.params.businessId) };
    });

    app.post(
      '/v1/business/:businessId/invites',
      {
        preHandler,
        schema: { tags, summary: 'Make a one-time invite link, valid 7 days (owner)', description: `The token is shown this once; Parley keeps its hash. ${note}`, params: BusinessParams, body: CreateInviteBody, response: { 201: CreatedInvite } },
      },
      async (request, reply) => {
        const member = await as(request, consoleRoles.manageInvites);
        return reply.code(201).send(await createInvite(ctx, { businessId: request.params.businessId, member, role: request.body.role }));
      },
    );

    app.delete('/v1/business/:businessId/invites/:inviteId', { preHandler, schema: { tags, summary: 'Revoke an invite (owner)', description: note, params: InviteParams } }, async (request, reply) => {
      await as(request, consoleRoles.manageInvites);
      await revokeInvite(ctx, request.params);
      return reply.code(204).send();
    });

    app.post('/v1/invites/preview', { preHandler, schema: { tags, summary: 'What an invite offers (410 ERR_INVITE_INVALID when it cannot be used)', body: InviteTokenBody, response: { 200: InvitePreview } } }, async (request) =>
      previewInvite(ctx, request.body.token),
    );

    app.post(
      '/v1/invites/accept',
      { preHandler, schema: { tags, summary: 'Accept an invite: I become a member with its role (once)', description: '410 ERR_INVITE_INVALID when unknown, used, revoked or expired; 409 when already a member.', body: InviteTokenBody, response: { 200: AcceptedInvite } } },
      async (request) => acceptInvite(ctx, { token: request.body.token, personId: principalOf(request).personId }),
    );
  };
}
