import { AgentReadBody, AgentTypingBody, AssignBody, InboxConversation, InboxParams, ReturnToBotBody, SetInboxStatusBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requirePerson } from '../identity';
import { assignConversation } from './assignment.service';
import { consoleMember, consoleRoles } from './console.access';
import type { InboxCore } from './inbox.service';
import { markReadAsAgent, resolveConversation, returnToBot, setStatus, takeThread, typingAsAgent } from './thread.service';

const tags = ['console'];
const note = 'Agent console (agent, owner), with the session. A business you are not a member of answers 404. See docs/console.md.';

/** What agents do to a conversation: assign, status, resolve, give back, take, read, typing. */
export function threadRoutes(core: InboxCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    const { ctx } = core;
    const preHandler = requirePerson(ctx);
    const member = (request: { params: { businessId: string } } & Parameters<typeof consoleMember>[1]) =>
      consoleMember(ctx, request, { businessId: request.params.businessId, allowed: consoleRoles.inbox });
    const schema = (summary: string, body?: unknown) => ({ tags, summary, description: note, params: InboxParams, ...(body ? { body } : {}), response: { 200: InboxConversation } });

    app.post('/v1/business/:businessId/inbox/:conversationId/assign', { preHandler, schema: Object.assign({}, schema('Assign or transfer to a member who works the inbox (null: unassign)'), { body: AssignBody }) }, async (request) => {
      await member(request);
      return assignConversation(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, memberId: request.body.memberId });
    });

    app.post('/v1/business/:businessId/inbox/:conversationId/status', { preHandler, schema: Object.assign({}, schema('Mark open or pending (waiting on the customer)'), { body: SetInboxStatusBody }) }, async (request) => {
      await member(request);
      return setStatus(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, status: request.body.status });
    });

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/resolve',
      { preHandler, schema: Object.assign({}, schema('Resolve: the thread goes back to the bot and the person gets the 1–5 survey'), { description: `handover.returned goes to the bank's endpoints. ${note}` }) },
      async (request) => resolveConversation(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, member: await member(request) }),
    );

    app.post('/v1/business/:businessId/inbox/:conversationId/return', { preHandler, schema: Object.assign({}, schema('Give the thread back to the bot, without a survey'), { body: ReturnToBotBody }) }, async (request) => {
      await member(request);
      return returnToBot(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, metadata: request.body.metadata });
    });

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/take',
      { preHandler, schema: Object.assign({}, schema('Take a thread the bot owns (handover.taken); the taker is assigned'), { description: `409 when the inbox owns it already. ${note}` }) },
      async (request) => takeThread(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, member: await member(request) }),
    );

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/read',
      { preHandler, schema: { tags, summary: "Raise the agent's read position (the person sees read ticks)", description: note, params: InboxParams, body: AgentReadBody } },
      async (request, reply) => {
        await markReadAsAgent(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, member: await member(request), seq: request.body.seq });
        return reply.code(204).send();
      },
    );

    app.post(
      '/v1/business/:businessId/inbox/:conversationId/typing',
      { preHandler, schema: { tags, summary: 'Show the person that the business is typing', description: `Relayed as a \`typing\` frame from \`business\`; nothing is stored. ${note}`, params: InboxParams, body: AgentTypingBody } },
      async (request, reply) => {
        await member(request);
        await typingAsAgent(core, { businessId: request.params.businessId, conversationId: request.params.conversationId, state: request.body.state });
        return reply.code(204).send();
      },
    );
  };
}
