import type { FastifyInstance } from 'fastify';
import { ParleyClient } from '@parley/sdk';
import type { BankContext } from '../context';
import { findCustomerById } from '../customers';
import { registerLinkRoutes, type AccountLinking } from '../pages/link.routes';
import { forgetStepUpOffersBefore, forgetStepUpProofsBefore, forgetWebhooksBefore } from './bot.repository';
import { botMenu } from './bot.menu';
import * as replies from './bot.replies';
import { BotRuntime } from './bot.runtime';
import { alertHeldAuthorization } from './fraud-alert.service';
import { completeLink, forgetExpiredLinkTokens, isLinkTokenLive, isLinkTokenShape, shortName } from './link.service';
import { registerWebhookRoutes, webhookPath } from './webhook.routes';

export { webhookPath };

/** What stopping the bot waits for. */
export interface BankBot {
  close(): Promise<void>;
}

/** The event types the bot's endpoint subscribes to (`npm start` registers it with these). */
export const botEventTypes = ['conversation.started', 'message.created', 'postback', 'standby', 'handover.returned', 'alert.answered'] as const;

// Parley retries an event for about three days; a week of webhook-ids is plenty to catch every redelivery.
const rememberWebhooksMs = 7 * 24 * 60 * 60 * 1000;

function accountLinking(bot: BotRuntime): AccountLinking {
  const { ctx } = bot;
  const customerName = async (customerId: string) => (await findCustomerById(ctx.db, customerId))?.display_name ?? null;
  return {
    isWellFormed: isLinkTokenShape,
    isLive: (token) => isLinkTokenLive(ctx, token),
    customerName,
    async complete({ token, customerId }) {
      const bsid = await completeLink(ctx, { token, customerId });
      if (bsid === null) return false;
      const name = shortName((await customerName(customerId)) ?? 'you');
      // The page answers now; the chat hears about it a moment later. The key is per link, so a
      // retried send does not say it twice.
      bot.inChat(bsid, 'saying the chat is linked', async () => {
        await bot.say(bsid, [replies.linked(name)], { key: `linked-${bsid}-${ctx.clock.now()}` });
      });
      return true;
    },
  };
}

/**
 * Mount the bot: its webhook receiver (POST /parley/webhooks), the account-linking pages
 * (/link), the fraud-alert listener, and — in the background — its menu at Parley. A no-op bot
 * when config.parley is null (the bank runs without Parley in its own tests).
 */
export async function registerBot(app: FastifyInstance, ctx: BankContext): Promise<BankBot> {
  const link = ctx.config.parley;
  if (!link) return { close: async () => undefined };
  const parley = new ParleyClient({ baseUrl: link.url, apiKey: link.apiKey });
  const bot = new BotRuntime(ctx, parley);
  registerWebhookRoutes(app, bot, link.webhookSecret);
  registerLinkRoutes(app, ctx, accountLinking(bot));
  const onHeld = (held: { customerId: string; authorizationId: string }) => bot.track('a fraud alert', () => alertHeldAuthorization(bot, held));
  ctx.events.on('authorization.held', onHeld);
  // Parley may still be starting; the menu is not worth failing the bank's start for.
  bot.track('setting the menu', () => parley.setMenu(botMenu));
  bot.track('housekeeping', async () => {
    await forgetWebhooksBefore(ctx.db, ctx.clock.now() - rememberWebhooksMs);
    await forgetStepUpProofsBefore(ctx.db, ctx.clock.now());
    await forgetStepUpOffersBefore(ctx.db, ctx.clock.now() - rememberWebhooksMs);
    await forgetExpiredLinkTokens(ctx);
  });
  return {
    async close() {
      ctx.events.off('authorization.held', onHeld);
      await bot.idle();
      await parley.close();
    },
  };
}
