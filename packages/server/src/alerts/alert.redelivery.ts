import type { ServerContext } from '../context';
import { openAlerts } from './alert.body';
import * as alerts from './alert.repository';
import { alertContentOf, answerClientId, answerOf, cardClientId, pushAlert, type AlertMessaging } from './alert.service';

/** Answers older than this are not mended: the conversation has long moved on. */
const answerLookbackMs = 7 * 24 * 60 * 60 * 1000;

/**
 * After a crash: append the answers of answered alerts that were stored but never reached the
 * conversation (the process died between the two writes), and the cards of open alerts stored
 * without one (and owe their Web Push) — which only alerts stored before a card and its alert
 * shared one transaction can be. The clientIds make this safe to run any number of times: a card or answer is
 * never two messages.
 */
export async function mendUndelivered(ctx: ServerContext, messaging: AlertMessaging): Promise<number> {
  const now = ctx.clock.now();
  const undelivered = await alerts.findUndelivered(ctx.db, { now, since: now - answerLookbackMs });
  const [cards, answers] = await Promise.all([openAlerts(ctx, undelivered.cards), openAlerts(ctx, undelivered.answers)]);
  const appends = [
    ...cards.map(async (row) => {
      await messaging.append({ conversationId: row.conversation_id, sender: 'system', content: alertContentOf(row), clientId: cardClientId(row.id) });
      await pushAlert(ctx, row, row.business_name);
    }),
    ...answers.flatMap((row) => {
      const answer = answerOf(row);
      if (!answer) return [];
      return [messaging.append({ conversationId: row.conversation_id, sender: 'system', content: { contentType: 'alert_answer', alertId: row.id, ...answer }, clientId: answerClientId(row.id) })];
    }),
  ];
  await Promise.all(appends);
  if (appends.length > 0) ctx.log.info({ mended: appends.length }, 'appended alert cards and answers a crash had left out of their conversations');
  return appends.length;
}
