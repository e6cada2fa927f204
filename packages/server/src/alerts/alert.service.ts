import { maxAlertLifetimeMs, type AlertApiBody, type AlertApiResult, type AlertContent, type AlertSummary, type AlertAnswer } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { Messaging } from '../messaging';
import { createBatcher } from '../platform/batcher';
import { AppError } from '../platform/errors';
import { notifyPerson } from '../push';
import { alertSealerFor, openAlerts, type OpenAlertRow } from './alert.body';
import * as alerts from './alert.repository';
import type { AlertRow } from './alert.repository';

/** What alerts need of messaging: append a system message, open the person's conversation. */
export type AlertMessaging = Pick<Messaging, 'append' | 'open'>;

/** Stores new alerts (card in plain JSON; answers it so), those of requests arriving together in one transaction (one fsync on SQLite). */
export interface AlertWriter {
  add(row: AlertRow): Promise<OpenAlertRow>;
}

/**
 * The batch's person keys are loaded before its transaction (none read when cached) and each
 * card is sealed synchronously, so a burst costs one AES-GCM per alert on top of the insert.
 */
export function createAlertWriter(ctx: ServerContext): AlertWriter {
  return createBatcher(async (rows: AlertRow[]) => {
    const seal = await alertSealerFor(ctx, rows.map((row) => row.person_id));
    const sealed = rows.map(seal);
    const stored = await alerts.insertAlertsIfAbsent(ctx.db, ctx.dialect, sealed);
    // Our own rows come back as we sealed them: give back their plain card without opening it;
    // only an earlier alert of the same request (a retry) is opened.
    const plain = new Map(sealed.map((row, index) => [row.body, rows[index]!.body]));
    return openAlerts(ctx, stored.map((row) => ({ ...row, body: plain.get(row.body) ?? row.body })));
  });
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

export function alertContentOf(row: AlertRow): AlertContent {
  const card = cardOf(row);
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
 * The Alert API: check the person switched this kind of alert on for this bank, store the
 * alert, and append its card to the bank's conversation (opening it if the person linked but
 * never wrote). Resolves once both are committed, so an accepted alert survives a crash; the
 * card reaches open sockets live and reconnecting ones through resume. `sourceKey` names the
 * request: a retry of it finds the same alert and the same card.
 */
export async function sendAlert(
  ctx: ServerContext,
  deps: { messaging: AlertMessaging; writer: AlertWriter },
  input: { businessId: string; body: AlertApiBody; sourceKey: string },
): Promise<AlertApiResult> {
  const { messaging, writer } = deps;
  const { body, businessId } = input;
  checkBody(ctx, body);
  const recipient = await alerts.findRecipient(ctx.db, { businessId, bsid: body.recipient.bsid, kind: body.kind });
  if (!recipient) throw new AppError('ERR_NOT_FOUND', { message: 'No person has this BSID at your business.' });
  if (!recipient.enabled) {
    throw new AppError('ERR_ALERTS_NOT_ENABLED', { message: `The person has not enabled ${body.kind} alerts from your bank.` });
  }
  const conversationId = recipient.conversation_id ?? (await messaging.open({ personId: recipient.person_id, businessId })).conversation.id;
  const card: AlertCard = { headline: body.headline, facts: body.facts, actions: body.actions };
  const row = await writer.add({
    // Time-ordered: the alerts' primary key and the card's clientId (alert_<id>) in the messages'
    // resend index take a batch's new rows in one place.
    id: ctx.random.timeOrderedUuid(),
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
  });
  // The push row does not wait for the group commit: both only need the stored alert.
  const [message] = await Promise.all([
    messaging.append({ conversationId, sender: 'system', content: alertContentOf(row), clientId: cardClientId(row.id) }),
    pushAlert(ctx, row, recipient.business_name),
  ]);
  return { alertId: row.id, conversationId, seq: message.seq };
}

/**
 * Owe the person's devices a Web Push of the alert, sent only if no socket of theirs is open
 * (push/). One per device per alert id, however often this runs (a retried request, mending).
 */
export async function pushAlert(ctx: ServerContext, row: AlertRow, businessName: string): Promise<void> {
  const { headline } = cardOf(row);
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
