import { ConversationParams, SendAck, SendPostbackBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf, requirePerson } from '../identity';
import type { MessagingCore } from './conversation.service';
import { sendPostback } from './postback.service';

/** A tap on a business message's choice over HTTP, with the passkey step-up the choice may demand. */
export function postbackRoutes(core: MessagingCore): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/conversations/:conversationId/postbacks',
      {
        preHandler: requirePerson(core.ctx),
        schema: {
          tags: ['messaging'],
          summary: 'Tap a postback button or quick reply of a message',
          description:
            'Stored and acked like a send (201; 200 with the original ack for a stored clientId). `seq` is the message that offered the choice; ' +
            'for a choice with `requiresStepUp`, `stepUp` is the passkey assertion made for `{kind:"postback", conversationId, seq, payload}` ' +
            '(see POST /v1/step-up/options), and the bank\'s `postback` webhook carries the signed proof. ' +
            '403 ERR_STEP_UP_REQUIRED without it, 403 ERR_STEP_UP_FAILED when it does not verify, 404 when the message offers no such choice.',
          params: ConversationParams,
          body: SendPostbackBody,
          response: { 200: SendAck, 201: SendAck },
        },
      },
      async (request, reply) => {
        const { ack, duplicate } = await sendPostback(core, {
          personId: principalOf(request).personId,
          conversationId: request.params.conversationId,
          body: request.body,
        });
        return reply.code(duplicate ? 200 : 201).send(ack);
      },
    );
  };
}
