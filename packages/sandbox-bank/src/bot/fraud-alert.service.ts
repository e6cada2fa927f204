import { ParleyApiError, type BusinessContent } from '@parley/sdk';
import { getAuthorization } from '../cards';
import { listLinksOfCustomer, saveFraudAlert } from './bot.repository';
import type { FraudAlertStatus } from './bot.table';
import { payloads } from './bot.intents';
import type { BotRuntime } from './bot.runtime';
import { spoken } from './card.answers';

const countryNames = new Intl.DisplayNames(['en-GB'], { type: 'region' });

function where(city: string | null, country: string): string {
  let name = country;
  try {
    name = countryNames.of(country) ?? country;
  } catch {
    // Not a region code Intl knows: say the code.
  }
  return city ? `${city}, ${name}` : name;
}

/**
 * The card network held a suspicious payment: ask the customer in every chat linked to them.
 *
 * For now this is a Send API message (messaging type UPDATE), so it reaches only a chat where the
 * person wrote in the last 24 hours; outside that window Parley answers 403 and the alert is
 * recorded as `unreachable` (the payment stays held). The alerts issue moves this to the Alert
 * API, which people opt in to and which is not bound to the window.
 */
export async function alertHeldAuthorization(bot: BotRuntime, held: { customerId: string; authorizationId: string }): Promise<void> {
  const { ctx } = bot;
  const record = (bsid: string, status: FraudAlertStatus, detail: string | null = null) =>
    saveFraudAlert(ctx.db, { authorization_id: held.authorizationId, customer_id: held.customerId, bsid, status, detail, created_at: ctx.clock.now(), updated_at: ctx.clock.now() });
  const authorization = await getAuthorization(ctx, held.authorizationId);
  if (!authorization || authorization.status !== 'held') return;
  const links = await listLinksOfCustomer(ctx.db, held.customerId);
  if (links.length === 0) {
    ctx.log.warn({ authorizationId: held.authorizationId }, 'bot: a held payment, and no linked chat to ask the customer in');
    return record('', 'not_linked');
  }
  const content: BusinessContent = {
    contentType: 'quick_replies',
    text: `Did you just spend ${spoken(authorization.amountMinor, authorization.currency)} at ${authorization.merchantName} in ${where(authorization.city, authorization.country)} with your card ending ${authorization.cardLast4}? We've held the payment until you tell us.`,
    quickReplies: [
      { title: 'Yes, it was me', payload: payloads.fraud(authorization.id, true) },
      { title: 'No, lock my card', payload: payloads.fraud(authorization.id, false) },
    ],
  };
  for (const { bsid } of links) {
    try {
      await bot.say(bsid, [content], { key: `alert-${authorization.id}-${bsid}`, messagingType: 'UPDATE' });
      await record(bsid, 'sent');
    } catch (error) {
      if (!(error instanceof ParleyApiError && error.status === 403)) throw error;
      // Outside the 24 h window, or the person left: the customer could not be reached this way.
      ctx.log.warn({ authorizationId: authorization.id, code: error.code }, 'bot: could not reach the customer about a held payment');
      await record(bsid, 'unreachable', error.code);
    }
  }
}
