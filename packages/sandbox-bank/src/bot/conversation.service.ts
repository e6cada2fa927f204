import { ParleyApiError, type BusinessContent, type WebhookEvent, type WebhookEventData } from '@parley/sdk';
import { findCustomerById } from '../customers';
import { balanceAnswer, transactionsAnswer } from './account.answers';
import { intentOfPayload, intentOfText, type Intent } from './bot.intents';
import * as replies from './bot.replies';
import type { BotRuntime, Chat } from './bot.runtime';
import { answerFraudAlert, replyToAlertAnswer } from './alert-answer.service';
import { disputeAnswer, lockAnswer } from './card.answers';
import { linkedCustomerId, offerLink, shortName, unlink } from './link.service';
import { rememberOffers, unlockWithStepUp } from './unlock.service';

type Postback = WebhookEventData<'postback'>;

/** What one event asks of the bot: an intent in a chat, or nothing (the bot stays quiet). */
function intentOf(event: WebhookEvent): { chat: Chat; intent: Intent | 'back' } | null {
  switch (event.type) {
    case 'conversation.started':
      return { chat: event.data, intent: { kind: 'greet' } };
    case 'message.created': {
      const { sender, content } = event.data.message;
      // The bank's own messages come back as events too; only the person's are answered.
      if (sender !== 'person') return null;
      // Taps arrive only as `postback` events, never also as message.created.
      return content.contentType === 'text' ? { chat: event.data, intent: intentOfText(content.text) } : null;
    }
    case 'postback':
      return { chat: event.data, intent: intentOfPayload(event.data.payload) };
    case 'handover.returned':
      return { chat: event.data, intent: 'back' };
    // `standby`: the inbox owns the thread and answers; the bot follows along and says nothing.
    default:
      return null;
  }
}

/** Handle one verified, first-seen event; `key` (from its webhook-id) makes every send idempotent. */
export async function handleEvent(bot: BotRuntime, event: WebhookEvent, key: string): Promise<void> {
  if (event.type === 'alert.answered') {
    const contents = await answerFraudAlert(bot, event.data);
    return replyToAlertAnswer(bot, { bsid: event.data.bsid, contents, key });
  }
  const asked = intentOf(event);
  if (!asked) return;
  const { chat, intent } = asked;
  if (intent === 'back') {
    await bot.say(chat.bsid, [replies.backFromInbox()], { key });
    return;
  }
  if (intent.kind === 'human') return handOver(bot, chat, key);
  const answer = await answerTo(bot, chat, intent, event.type === 'postback' ? event.data : null);
  const sent = await bot.say(chat.bsid, answer, { key });
  await rememberOffers(bot, answer, sent);
}

async function handOver(bot: BotRuntime, chat: Chat, key: string): Promise<void> {
  // Tell the person first: once the inbox owns the thread, the bot should not speak.
  await bot.say(chat.bsid, [replies.handingOver()], { key });
  try {
    await bot.parley.passThreadControl(chat.conversationId, 'The customer asked to talk to a person.');
  } catch (error) {
    // Already with the inbox (a second tap): nothing to do.
    if (!(error instanceof ParleyApiError && error.code === 'ERR_CONFLICT')) throw error;
  }
}

const needs: Partial<Record<Intent['kind'], string>> = {
  balance: 'show your balance',
  transactions: 'show your transactions',
  'card.menu': 'help with your card',
  lock: 'lock your card',
  unlock: 'unlock your card',
  'unlock.confirm': 'unlock your card',
  dispute: 'dispute a charge',
  'dispute.pick': 'dispute a charge',
  'dispute.reason': 'dispute a charge',
};

async function answerTo(bot: BotRuntime, chat: Chat, intent: Exclude<Intent, { kind: 'human' }>, postback: Postback | null): Promise<BusinessContent[]> {
  const { ctx } = bot;
  const customerId = await linkedCustomerId(ctx, chat.bsid);
  const customer = customerId ? await findCustomerById(ctx.db, customerId) : undefined;
  if (!customer) {
    const what = needs[intent.kind];
    if (what) return [replies.linkOffer(await offerLink(ctx, chat.bsid), replies.needsLink(what))];
  }
  switch (intent.kind) {
    case 'greet':
      return [replies.greeting({ linkedAs: customer ? shortName(customer.display_name) : null, linkUrl: customer ? null : await offerLink(ctx, chat.bsid) })];
    case 'help':
      return [replies.help(customer !== undefined)];
    case 'thanks':
      return [replies.text("You're welcome! Anything else, just ask.")];
    case 'unknown':
      return [replies.notUnderstood(customer !== undefined)];
    case 'link':
      return customer
        ? [replies.text(`This chat is already linked as ${shortName(customer.display_name)}. Say "unlink" to undo it.`)]
        : [replies.linkOffer(await offerLink(ctx, chat.bsid), 'Tap "Link account" and sign in at Sandbox Bank. The link works once, for 10 minutes.')];
    case 'unlink':
      if (!customer) return [replies.linkOffer(await offerLink(ctx, chat.bsid), "This chat isn't linked to a Sandbox Bank account. Link one whenever you like.")];
      await unlink(ctx, chat.bsid);
      return [replies.unlinked(await offerLink(ctx, chat.bsid))];
    default:
      return customer ? bankingAnswer(bot, { customerId: customer.id, intent, postback }) : [replies.notUnderstood(false)];
  }
}

type BankingIntent = Extract<Intent, { kind: 'balance' | 'transactions' | 'card.menu' | 'lock' | 'unlock' | 'unlock.confirm' | 'dispute' | 'dispute.pick' | 'dispute.reason' }>;

function bankingAnswer(bot: BotRuntime, input: { customerId: string; intent: BankingIntent; postback: Postback | null }): Promise<BusinessContent[]> {
  const { customerId, intent, postback } = input;
  switch (intent.kind) {
    case 'balance':
      return balanceAnswer(bot.ctx, customerId);
    case 'transactions':
      return transactionsAnswer(bot.ctx, customerId);
    case 'card.menu':
      return Promise.resolve([replies.cardMenu()]);
    case 'lock':
    case 'unlock':
      return lockAnswer(bot.ctx, { customerId, lock: intent.kind === 'lock', cardId: intent.cardId });
    case 'dispute':
    case 'dispute.pick':
    case 'dispute.reason':
      return disputeAnswer(bot.ctx, customerId, intent);
    case 'unlock.confirm':
      // Only a tap carries a step-up proof; typed text never unlocks.
      return postback ? unlockWithStepUp(bot, { customerId, cardId: intent.cardId, postback }) : Promise.resolve([replies.notUnderstood(true)]);
  }
}
