import { hash } from 'node:crypto';
import { maxAlertLifetimeMs, uuidV7, type AlertApiBody, type AlertApiResult, type AlertContent, type AlertSummary, type AlertAnswer } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { Messaging } from '../messaging';
import { AppError } from '../platform/errors';
import { notifyPerson } from '../push';
import { alertSealerFor, openAlerts, type OpenAlertRow } from './alert.body';
import * as alerts from './alert.repository';
import type { AlertRow } from './alert.repository';

/** What alerts need of messaging: append a system message, open the person's conversation. */
export type AlertMessaging = Pick<Messaging, 'append' | 'open'>;

/**
 * An alert's id, made from the request that sent it: a UUIDv7 whose time is the request's
 * reservation and whose rest is a hash of the business and the request's key. A request that runs
 * again (another node taking over its Idempotency-Key after a crash) makes the same id, so the
 * same card clientId, and the card's message dedupes it: one alert, one card, with no read first.
 */
export function alertIdOf(input: { businessId: string; sourceKey: string; reservedAt: number }): string {
  return uuidV7(input.reservedAt, hash('sha256', `${input.businessId}\0${input.sourceKey}`, 'buffer'));
}

/** The card as `alerts.body` holds it once opened (alert.body.ts: sealed at rest). */
export interface AlertCard {
  readonly headline: string;
  readonly facts: AlertContent['facts'];
  readonly actions: AlertContent['actions'];
}

/** The clientIds of an alert's two messages: the same alert is never two cards, its answer never two. */
export const cardClientId = (alertId: string): string => `alert_${alertId}`;
export const answerClientId = (alertId: string): string => `answer_${alertId}`;

export function cardOf(row: AlertRow): AlertCard {
  return JSON.parse(row.body) as AlertCard;
}

/** The card message's content; `card` when the caller has it already, rather than parsing `row.body` again. */
export function alertContentOf(row: AlertRow, card: AlertCard = cardOf(row)): AlertContent {
  return { contentType: 'alert', alertId: row.id, kind: row.kind, headline: card.headline, facts: card.facts, actions: card.actions, expiresAt: row.expires_at };
}

function checkBody(ctx: ServerContext, body: AlertApiBody): void {
  const now = ctx.clock.now();
  if (body.expiresAt <= now) throw new AppError('ERR_VALIDATION', { message: '/expiresAt: must be in the future.' });
  if (body.expiresAt > now + maxAlertLifetimeMs) throw new AppError('ERR_VALIDATION', { message: '/expiresAt: must be at most 7 days from now.' });
  const ids = new Set(body.actions.map((action) => action.id));
  if (ids.size !== body.actions.length) throw new AppError('ERR_VALIDATION', { message: '/actions: each action needs its own id.' });
}

/**
 * The Alert API: check the person switched this kind of alert on for this bank, then store the
 * alert and append its card to the bank's conversation (opening it if the person linked but
 * never wrote) in one transaction, the group commit's (messaging `alongside`): there is never an
 * alert without its card. Resolves once committed, so an accepted alert survives a crash; the
 * card reaches open sockets live and reconnecting ones through resume. `sourceKey` and
 * `reservedAt` name the request: a retry of it makes the same alert id, and finds its card.
 */
export async function sendAlert(
  ctx: ServerContext,
  messaging: AlertMessaging,
  input: { businessId: string; body: AlertApiBody; sourceKey: string; reservedAt: number },
): Promise<AlertApiResult> {
  const { body, businessId } = input;
  checkBody(ctx, body);
  const recipient = await alerts.findRecipient(ctx.db, { businessId, bsid: body.recipient.bsid, kind: body.kind });
  if (!recipient) throw new AppError('ERR_NOT_FOUND', { message: 'No person has this BSID at your business.' });
  if (!recipient.enabled) {
    throw new AppError('ERR_ALERTS_NOT_ENABLED', { message: `The person has not enabled ${body.kind} alerts from your bank.` });
  }
  const conversationId = recipient.conversation_id ?? (await messaging.open({ personId: recipient.person_id, businessId })).conversation.id;
  const card: AlertCard = { headline: body.headline, facts: body.facts, actions: body.actions };
  const row: AlertRow = {
    // Time-ordered: the alerts' primary key and the card's clientId (alert_<id>) in the messages'
    // resend index take new rows in one place.
    id: alertIdOf(input),
    business_id: businessId,
    person_id: recipient.person_id,
    bsid: body.recipient.bsid,
    conversation_id: conversationId,
    kind: body.kind,
    body: JSON.stringify(card),
    source_key: input.sourceKey,
    expires_at: body.expiresAt,
    created_at: ctx.clock.now(),
    answer_action_id: null,
    answered_at: null,
    answer_stepped_up: null,
  };
  // Sealed before the transaction (the person's key is cached), stored inside it.
  const sealed = (await alertSealerFor(ctx, [row.person_id]))(row);
  const message = await messaging.append({
    conversationId,
    sender: 'system',
    content: alertContentOf(row, card),
    clientId: cardClientId(row.id),
    alongside: (trx) => alerts.insertAlert(trx, ctx.dialect, sealed),
  });
  // After the commit, so no device is woken for an alert that was not stored.
  await pushAlert(ctx, row, recipient.business_name, card.headline);
  return { alertId: row.id, conversationId, seq: message.seq };
}

/**
 * Owe the person's devices a Web Push of the alert, sent only if no socket of theirs is open
 * (push/). One per device per alert id, however often this runs (a retried request, mending).
 */
export async function pushAlert(ctx: ServerContext, row: AlertRow, businessName: string, headline = cardOf(row).headline): Promise<void> {
  await notifyPerson(ctx, { personId: row.person_id, dedupeId: row.id, title: businessName, body: headline, url: `/app/c/${row.conversation_id}`, expiresAt: row.expires_at });
}

export function answerOf(row: AlertRow): AlertAnswer | null {
  if (row.answered_at === null || row.answer_action_id === null) return null;
  const label = cardOf(row).actions.find((action) => action.id === row.answer_action_id)?.label ?? row.answer_action_id;
  return { actionId: row.answer_action_id, label, answeredAt: row.answered_at, steppedUp: row.answer_stepped_up === 1 };
}

export function statusOf(row: OpenAlertRow, now: number): AlertSummary['status'] {
  if (row.answered_at !== null) return 'answered';
  // An erased card offers nothing to answer: it reads as over.
  return now >= row.expires_at || row.erased ? 'expired' : 'pending';
}

/** GET /v1/alerts: the person's alerts, newest first, a page at a time. */
export async function listAlertHistory(ctx: ServerContext, input: { personId: string; before?: string; limit: number }): Promise<{ alerts: AlertSummary[]; hasMore: boolean }> {
  let before: AlertRow | undefined;
  if (input.before !== undefined) {
    before = await alerts.findAlert(ctx.db, input.before);
    if (!before || before.person_id !== input.personId) throw new AppError('ERR_NOT_FOUND', { message: 'The alert named by `before` is not one of yours.' });
  }
  const rows = await openAlerts(ctx, await alerts.listAlerts(ctx.db, { personId: input.personId, before, limit: input.limit }));
  const now = ctx.clock.now();
  const page = rows.slice(0, input.limit).map((row): AlertSummary => {
    const card = cardOf(row);
    return {
      id: row.id,
      business: { id: row.business_id, name: row.business_name },
      conversationId: row.conversation_id,
      kind: row.kind,
      headline: card.headline,
      facts: card.facts,
      actions: card.actions,
      status: statusOf(row, now),
      answer: answerOf(row),
      expiresAt: row.expires_at,
      createdAt: row.created_at,
    };
  });
  return { alerts: page, hasMore: rows.length > input.limit };
}
