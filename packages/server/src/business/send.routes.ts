import { SendApiBody, SendApiHeaders, SendApiResult } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { requireApiKey } from './api-key.hooks';
import { createIdempotency } from './idempotency.service';
import { idempotentCreate, type IdempotentCreate } from './idempotent.route';
import { contentProblem } from './send.content';
import { sendBusinessMessage, type BusinessMessageAppender } from './send.service';

/** Expired keys are also dropped lazily, on their next use; this keeps the table small. */
const sweepEveryMs = 15 * 60 * 1000;

const description = `Needs an API key with \`messages:send\` and an \`Idempotency-Key\` header. Sends to the person the BSID names, in the conversation they started:
RESPONSE and UPDATE only within 24 h of the person's last message (ERR_OUTSIDE_WINDOW), ALERT at any time, but only to a person who enabled alerts from your bank (else ERR_ALERTS_NOT_ENABLED).
A BSID of another business is 404, like one that does not exist; a person without a conversation is 403 ERR_NO_CONVERSATION.
The same key with the same body answers the first answer again with \`Idempotent-Replayed: true\`; with another body, 422 ERR_IDEMPOTENCY_MISMATCH.
Content types, rules and examples: docs/send-api.md.`;

/** Business API (API key): the Send API. */
export function sendRoutes(ctx: ServerContext, appender: BusinessMessageAppender): FastifyPluginAsyncTypebox {
  return async (app) => {
    const idempotency = createIdempotency(ctx);
    const sweeper = setInterval(() => {
      idempotency.sweep().catch((error: unknown) => ctx.log.warn({ err: error }, 'sweeping idempotency keys failed'));
    }, sweepEveryMs);
    sweeper.unref();
    app.addHook('onClose', async () => clearInterval(sweeper));

    app.post(
      '/v1/messages',
      {
        // Before the schema: a clearer sentence for content of a known type that breaks its rules.
        preValidation: async (request) => {
          const problem = contentProblem((request.body as { content?: unknown } | null)?.content);
          if (problem) throw new AppError('ERR_VALIDATION', { message: problem });
        },
        preHandler: requireApiKey(ctx, 'messages:send'),
        schema: {
          tags: ['business-api'],
          summary: 'Send a message to a person',
          description,
          headers: SendApiHeaders,
          body: SendApiBody,
          response: { 201: SendApiResult },
        },
      },
      idempotentCreate(idempotency, '/v1/messages', ({ businessId, body, fingerprint }: IdempotentCreate<SendApiBody>) =>
        sendBusinessMessage(ctx, appender, { businessId, body, clientId: `idem_${fingerprint}` }),
      ),
    );
  };
}
