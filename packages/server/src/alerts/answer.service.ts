import type { AlertAnswer, AlertAnswerBody, AlertAnswerResult } from '@parley/protocol';
import type { ServerContext } from '../context';
import { completeStepUp } from '../identity';
import { AppError } from '../platform/errors';
import { notifyWebhooks, recordEvents } from '../webhooks';
import { openAlert } from './alert.body';
import * as alerts from './alert.repository';
import type { AlertRow } from './alert.repository';
import { answerClientId, answerOf, cardOf, type AlertMessaging } from './alert.service';

/** 201 for a new answer; 200 when the same action was already the answer (a retry). */
export interface AnswerOutcome {
  readonly created: boolean;
  readonly result: AlertAnswerResult;
}

/** The answer's message in the chat; a repeat stores nothing new (its clientId). */
async function appendAnswer(messaging: AlertMessaging, row: AlertRow, answer: AlertAnswer): Promise<void> {
  await messaging.append({
    conversationId: row.conversation_id,
    sender: 'system',
    content: { contentType: 'alert_answer', alertId: row.id, ...answer },
    clientId: answerClientId(row.id),
  });
}

/** An alert that already has an answer: the same action again gets that answer, another one 409. */
async function repeated(messaging: AlertMessaging, row: AlertRow, actionId: string): Promise<AnswerOutcome> {
  const answer = answerOf(row);
  if (!answer || answer.actionId !== actionId) throw new AppError('ERR_ALERT_ANSWERED');
  // Also mends a crash between storing the answer and appending its message.
  await appendAnswer(messaging, row, answer);
  return { created: false, result: { alertId: row.id, status: 'answered', answer } };
}

/**
 * The person answers an alert with one of its actions. An action that `requiresStepUp` needs a
 * passkey assertion made for exactly this alert and action; Parley then signs a step-up proof
 * for the bank. The answer and its `alert.answered` webhook event are one transaction, so the
 * bank hears of each answer once (per webhook-id) whatever crashes; the answer's chat message
 * follows, and a repeat of the answer (or the next start) mends it if a crash came between.
 */
export async function answerAlert(
  ctx: ServerContext,
  messaging: AlertMessaging,
  input: { personId: string; alertId: string; body: AlertAnswerBody },
): Promise<AnswerOutcome> {
  const { personId, alertId, body } = input;
  const row = await openAlert(ctx, await alerts.findAlert(ctx.db, alertId));
  if (!row || row.person_id !== personId) throw new AppError('ERR_NOT_FOUND');
  // A card that no longer opens (erased, or altered) offers nothing to answer.
  if (row.erased && row.answered_at === null) throw new AppError('ERR_ALERT_EXPIRED');
  const action = cardOf(row).actions.find((candidate) => candidate.id === body.actionId);
  if (!action) throw new AppError('ERR_ALERT_ACTION_UNKNOWN', { message: `This alert offers no action "${body.actionId}".` });
  if (row.answered_at !== null) return repeated(messaging, row, action.id);
  if (ctx.clock.now() >= row.expires_at) throw new AppError('ERR_ALERT_EXPIRED');
  if (action.requiresStepUp && body.stepUp === undefined) throw new AppError('ERR_STEP_UP_REQUIRED');
  const stepUp =
    body.stepUp === undefined
      ? undefined
      : await completeStepUp(ctx, {
          personId,
          assertion: body.stepUp,
          expect: { kind: 'alert', alertId: row.id, actionId: action.id },
          bsid: row.bsid,
          audience: row.business_id,
        });
  const answer: AlertAnswer = { actionId: action.id, label: action.label, answeredAt: ctx.clock.now(), steppedUp: stepUp !== undefined };
  const stored = await alerts.inTransaction(ctx.db, async (trx) => {
    if (!(await alerts.storeAnswer(trx, { alertId: row.id, ...answer }))) return false;
    await recordEvents(trx, ctx, [
      {
        businessId: row.business_id,
        type: 'alert.answered',
        data: {
          bsid: row.bsid,
          conversationId: row.conversation_id,
          alertId: row.id,
          kind: row.kind,
          actionId: action.id,
          answeredAt: answer.answeredAt,
          ...(stepUp ? { stepUp: stepUp.proof } : {}),
        },
      },
    ]);
    return true;
  });
  if (!stored) {
    // Another device answered between our read and our write.
    const now = await openAlert(ctx, await alerts.findAlert(ctx.db, row.id));
    return repeated(messaging, now ?? row, action.id);
  }
  notifyWebhooks(ctx);
  await appendAnswer(messaging, row, answer);
  return { created: true, result: { alertId: row.id, status: 'answered', answer } };
}
