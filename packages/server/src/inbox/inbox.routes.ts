import {
  AgentReplyAck,
  AgentReplyBody,
  BusinessParams,
  HistoryPage,
  HistoryQuery,
  InboxAgentList,
  InboxConversationView,
  InboxList,
  InboxParams,
  InboxQuery,
  InboxStats,
  InboxStatsQuery,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requirePerson } from '../identity';
import { consoleMember, consoleRoles } from './console.access';
import { listConsoleMembers } from './console-member.repository';
import { customerContext } from './context.service';
import { inboxStats } from './csat.service';
import { assignmentLoad } from './inbox.repository';
import { inboxSummary, listInbox, type InboxCore } from './inbox.service';
import { notesOf } from './note.service';
import { replyAsAgent } from './thread.service';

const tags = ['console'];
const note = 'Agent console (agent, owner), with the session. A business you are not a member of answers 404. See docs/console.md.';

/** The inbox: lists, the agents to transfer to, figures, one conversation with its context, its thread and replies. */
export function inboxRoutes(core: InboxCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { ctx } = core;
    const preHandler = requirePerson(ctx);
    const member = (request: { params: { businessId: string } } & Parameters<typeof consoleMember>[1]) =>
      consoleMember(ctx, request, { businessId: request.params.businessId, allowed: consoleRoles.inbox });

    app.get(
      '/v1/business/:businessId/inbox',
      { preHandler, schema: { tags, summary: 'Conversations in the inbox, newest activity first', description: note, params: BusinessParams, querystring: InboxQuery, response: { 200: InboxList } } },
      async (request) => listInbox(core, Object.assign({}, await member(request), { businessId: request.params.businessId }), request.query),
    );

    app.get(
      '/v1/business/:businessId/inbox/agents',
      { preHandler, schema: { tags, summary: 'Members who work the inbox, online or not, with their load', description: note, params: BusinessParams, response: { 200: InboxAgentList } } },
      async (request) => {
        const { businessId } = request.params;
        await member(request);
        const online = core.side.presence.online(businessId);
        const load = await assignmentLoad(ctx.db, businessId);
        const members = await listConsoleMembers(ctx.db, businessId);
        const agents = members
          .filter((row) => (consoleRoles.inbox as readonly string[]).includes(row.role))
          .map((row) => ({ memberId: row.id, displayName: row.display_name, role: row.role, online: online.has(row.person_id), assigned: load.get(row.id)?.open ?? 0 }));
        return { agents };
      },
    );

    app.get(
      '/v1/business/:businessId/inbox/stats',
      { preHandler, schema: { tags, summary: 'Median first-response and resolution times and CSAT, per agent and per day', description: note, params: BusinessParams, querystring: InboxStatsQuery, response: { 200: InboxStats } } },
      async (request) => {
        await member(request);
        return inboxStats(ctx, { businessId: request.params.businessId, ...request.query });
      },
    );

    app.get(
      '/v1/business/:businessId/inbox/:conversationId',
      { preHandler, schema: { tags, summary: 'One conversation: its state, the customer context and the internal notes', description: note, params: InboxParams, response: { 200: InboxConversationView } } },
      async (request) => {
        const { businessId, conversationId } = request.params;
        const caller = await member(request);
        const conversation = await inboxSummary(core, { businessId, conversationId, viewerMemberId: caller.id });
        return {
          conversation,
          context: await customerContext(core, { businessId, conversationId, bsid: conversation.bsid }),
          notes: await notesOf(core, businessId, conversationId),
        };
      },
    );

    app.get(
      '/v1/business/:businessId/inbox/:conversationId/messages',
      { preHandler, schema: { tags, summary: 'The whole thread, bot and human messages alike', description: note, params: InboxParams, querystring: HistoryQuery, response: { 200: HistoryPage } } },
      async (request) => {
        const { businessId, conversationId } = request.params;
        await member(request);
        await inboxSummary(core, { businessId, conversationId, viewerMemberId: null });
        return core.side.history({ businessId, conversationId, ...request.query });
      },
    );

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/messages',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Reply as an agent (text or quick replies)',
          description: `Stored with sender \`business\` and the agent's display name. A resend of the clientId answers 200 with the stored message. 409 when the inbox does not own the thread. ${note}`,
          params: InboxParams,
          body: AgentReplyBody,
          response: { 200: AgentReplyAck, 201: AgentReplyAck },
        },
      },
      async (request, reply) => {
        const { businessId, conversationId } = request.params;
        const caller = await member(request);
        const { message, duplicate } = await replyAsAgent(core, { businessId, conversationId, member: caller, ...request.body });
        return reply.code(duplicate ? 200 : 201).send({ message });
      },
    );
  };
}
