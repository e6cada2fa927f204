import { HandoverParams, PassThreadControlBody, ThreadControl, ThreadControlBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { businessOf, requireApiKey } from '../business';
import type { MessagingCore } from './conversation.service';
import { moveThread, type HandoverMove } from './handover.service';

const tags = ['handover'];
const scopeNote = 'Needs an API key with the `messages:send` scope. Another business\'s conversation answers 404. See docs/handover.md.';

const routes: { path: string; move: HandoverMove; summary: string; body: typeof PassThreadControlBody | typeof ThreadControlBody }[] = [
  { path: 'pass-thread-control', move: 'pass', summary: 'The bot passes the thread to the human inbox', body: PassThreadControlBody },
  { path: 'take-thread-control', move: 'take', summary: 'The human inbox takes the thread from the bot', body: ThreadControlBody },
  { path: 'return-thread-control', move: 'return', summary: 'The human inbox gives the thread back to the bot', body: ThreadControlBody },
];

/**
 * Handover on the Business API: who answers a conversation, the bank's bot or its agents. The
 * owner's endpoints get `message.created`, the other side's `standby`.
 */
export function handoverRoutes(core: MessagingCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The agent console will let agents' sessions take and return threads; for now the API key does.
    const preHandler = requireApiKey(core.ctx, 'messages:send');
    for (const route of routes) {
      app.post(
        `/v1/conversations/:conversationId/${route.path}`,
        {
          preHandler,
          schema: { tags, summary: route.summary, description: scopeNote, params: HandoverParams, body: route.body, response: { 200: ThreadControl } },
        },
        async (request) => {
          const { businessId } = businessOf(request);
          return moveThread(core, { businessId, conversationId: request.params.conversationId, move: route.move, metadata: request.body.metadata });
        },
      );
    }
  };
}
