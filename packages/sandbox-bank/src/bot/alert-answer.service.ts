import { ParleyApiError, type BusinessContent, type WebhookEventData } from '@parley/sdk';
import { getAuthorization } from '../cards';
import { findFraudAlertByAlertId, setFraudAlertStatus } from './bot.repository';
import { text } from './bot.replies';
import type { BotRuntime } from './bot.runtime';
import { fraudAnswer, spoken } from './card.answers';
import { fraudActions } from './fraud-alert.service';
import { checkStepUp } from './step-up.check';

type AlertAnswered = WebhookEventData<'alert.answered'>;

/** What the customer hears when "No, lock my card" came without a proof the bank accepts. */
function notConfirmed(what: string): BusinessContent {
  return text(
    `I couldn't confirm with your passkey that it was you who answered, so I haven't locked your card and the payment of ${what} is still held. If it wasn't you, say "lock my card" or "talk to a person".`,
  );
}

/**
 * The customer answered a fraud alert (`alert.answered`). "Yes, it was me" lets the held payment
 * through; "No, lock my card" declines it and locks the card — only with a step-up proof that
 * verifies for this BSID, this alert and this action, seen for the first time. Either way the
 * customer hears the outcome in the chat.
 */
export async function answerFraudAlert(bot: BotRuntime, data: AlertAnswered): Promise<BusinessContent[]> {
  const { ctx } = bot;
  const alert = await findFraudAlertByAlertId(ctx.db, { alertId: data.alertId, bsid: data.bsid });
  if (!alert) {
    ctx.log.warn({ alertId: data.alertId }, 'bot: an answer to an alert this bank did not send to this chat');
    return [];
  }
  const held = await getAuthorization(ctx, alert.authorization_id);
  const what = held ? `${spoken(held.amountMinor, held.currency)} at ${held.merchantName}` : 'that payment';
  const act = async (mine: boolean): Promise<BusinessContent[]> => {
    const answer = await fraudAnswer(ctx, { customerId: alert.customer_id, authorizationId: alert.authorization_id, mine });
    // Recorded only when the payment really moved (not for a second answer to a settled one).
    const after = await getAuthorization(ctx, alert.authorization_id);
    if (after?.status === 'approved' || after?.status === 'declined') {
      await setFraudAlertStatus(ctx.db, { authorizationId: alert.authorization_id, status: after.status, detail: null, at: ctx.clock.now() });
    }
    return answer;
  };
  if (data.actionId === fraudActions.confirm) return act(true);
  if (data.actionId !== fraudActions.lock) {
    ctx.log.warn({ alertId: data.alertId, actionId: data.actionId }, 'bot: an alert answer with an action the bank did not offer');
    return [];
  }
  const proof = await checkStepUp(bot, { proof: data.stepUp, bsid: data.bsid, expect: { kind: 'alert', ref: data.alertId, act: data.actionId } });
  if (!proof.ok) {
    await setFraudAlertStatus(ctx.db, { authorizationId: alert.authorization_id, status: 'sent', detail: `step_up_${proof.reason}`, at: ctx.clock.now() });
    return [notConfirmed(what)];
  }
  return act(false);
}

/**
 * Tell the customer what the bank did about their answer. An answer to an alert is not a message
 * of theirs, so it may come outside the 24-hour window: then the reply goes as an ALERT message,
 * which Parley allows because the person switched on this bank's alerts.
 */
export async function replyToAlertAnswer(bot: BotRuntime, input: { bsid: string; contents: readonly BusinessContent[]; key: string }): Promise<void> {
  try {
    await bot.say(input.bsid, input.contents, { key: input.key });
  } catch (error) {
    if (!(error instanceof ParleyApiError && error.code === 'ERR_OUTSIDE_WINDOW')) throw error;
    await bot.say(input.bsid, input.contents, { key: `${input.key}-alert`, messagingType: 'ALERT' });
  }
}
