import type { FastifyInstance } from 'fastify';
import { verifyWebhook, WebhookVerificationError, webhookHeaders, type WebhookEvent } from '@parley/sdk';
import { rememberWebhook } from './bot.repository';
import type { BotRuntime } from './bot.runtime';
import { handleEvent } from './conversation.service';

/** Where Parley delivers the bot's webhooks (registered by `npm start`, or by hand: docs/webhooks.md). */
export const webhookPath = '/parley/webhooks';

const webhookIdShape = /^[A-Za-z0-9_-]{1,100}$/;

/** The chat an event belongs to, so one chat's events are handled in order; '' for events of no chat. */
const bsidOf = (event: WebhookEvent): string => ('bsid' in event.data ? event.data.bsid : '');

/**
 * POST /parley/webhooks: verify the Standard Webhooks signature over the raw bytes, answer 204
 * at once (Parley waits 15 s at most), then handle the event in the background — once per
 * webhook-id, however often Parley delivers it.
 */
export function registerWebhookRoutes(app: FastifyInstance, bot: BotRuntime, secret: string): void {
  void app.register(async (scope) => {
    // In this scope only: keep the body as the exact bytes that were signed.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(webhookPath, async (request, reply) => {
      const webhookId = request.headers[webhookHeaders.id];
      if (!Buffer.isBuffer(request.body) || typeof webhookId !== 'string' || !webhookIdShape.test(webhookId)) {
        return reply.code(400).send({ error: 'A Parley webhook is a signed application/json body with a webhook-id header.' });
      }
      let event: WebhookEvent;
      try {
        // Real time, not the bank's clock: Parley signs with its own, and tests may freeze the bank's.
        event = verifyWebhook(request.headers, request.body, [secret]);
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        request.log.warn({ reason: error.reason }, 'bot: refused a webhook');
        return reply.code(400).send({ error: 'The webhook signature does not verify.' });
      }
      bot.inChat(bsidOf(event), `handling ${event.type}`, async () => {
        if (!(await rememberWebhook(bot.ctx.db, webhookId, bot.ctx.clock.now()))) return;
        // Marked before handling: a crash mid-answer loses this answer rather than sending it twice
        // (Parley will not redeliver an event that got a 204).
        await handleEvent(bot, event, `answer-${webhookId}`);
      });
      return reply.code(204).send();
    });
  });
}
