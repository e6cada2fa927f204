import { Conversation, ConversationList, ConversationParams, HistoryPage, HistoryQuery, OpenConversationBody, SendAck, SendMessageBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf, requirePerson } from '../identity';
import { handoverRoutes } from './handover.routes';
import { postbackRoutes } from './postback.routes';
import {
  getConversation,
  listConversations,
  openConversation,
  readHistory,
  sendAsPerson,
  type MessagingCore,
} from './conversation.service';

const tags = ['messaging'];

/**
 * Conversations, history and sending over HTTP. A conversation that is not the caller's
 * answers 404 ERR_NOT_FOUND everywhere, exactly like one that does not exist.
 */
export function messagingRoutes(core: MessagingCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(handoverRoutes(core));
    await app.register(postbackRoutes(core));
    const preHandler = requirePerson(core.ctx);

    app.post(
      '/v1/conversations',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Start (or find) the conversation with a business',
          description: '201 when it is new (it then starts with the business greeting, if any), 200 when it existed.',
          body: OpenConversationBody,
          response: { 200: Conversation, 201: Conversation },
        },
      },
      async (request, reply) => {
        const { personId } = principalOf(request);
        const { conversation, created } = await openConversation(core, { personId, businessId: request.body.businessId });
        return reply.code(created ? 201 : 200).send(conversation);
      },
    );

    app.get(
      '/v1/conversations',
      { preHandler, schema: { tags, summary: 'My conversations, newest activity first', response: { 200: ConversationList } } },
      async (request) => ({ conversations: await listConversations(core, principalOf(request).personId) }),
    );

    app.get(
      '/v1/conversations/:conversationId',
      { preHandler, schema: { tags, summary: 'One of my conversations', params: ConversationParams, response: { 200: Conversation } } },
      async (request) => getConversation(core, principalOf(request).personId, request.params.conversationId),
    );

    app.get(
      '/v1/conversations/:conversationId/messages',
      {
        preHandler,
        schema: {
          tags,
          summary: 'A page of history, in ascending seq',
          description: 'The `limit` messages just below `before` (or the newest); `hasMore` says whether older ones exist.',
          params: ConversationParams,
          querystring: HistoryQuery,
          response: { 200: HistoryPage },
        },
      },
      async (request) =>
        readHistory(core, { personId: principalOf(request).personId, conversationId: request.params.conversationId, ...request.query }),
    );

    app.post(
      '/v1/conversations/:conversationId/messages',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Send a message',
          description: 'Answered once stored. 201 for a new message; 200 with the original ack when this clientId was already stored.',
          params: ConversationParams,
          body: SendMessageBody,
          response: { 200: SendAck, 201: SendAck },
        },
      },
      async (request, reply) => {
        const { ack, duplicate } = await sendAsPerson(core, {
          personId: principalOf(request).personId,
          conversationId: request.params.conversationId,
          ...request.body,
        });
        return reply.code(duplicate ? 200 : 201).send(ack);
      },
    );
  };
}
