import { messagingWindowMs, type BusinessContent, type Message, type SendApiBody, type SendApiResult } from '@parley/protocol';
import { AppError } from '../platform/errors';
import type { BusinessContext } from './business.service';
import { findWindowByBsid, hasAlertsEnabled } from './send.repository';

/** Messaging's append, as the Send API needs it (given, not imported: messaging imports this domain). */
export interface BusinessMessageAppender {
  append(input: { conversationId: string; sender: 'business'; content: BusinessContent; clientId: string }): Promise<Message>;
}

/**
 * The conversation a business may write in now, or the rule that forbids it: the BSID must be
 * this business's (else 404, as if it did not exist), the person must have started a
 * conversation with it, and RESPONSE/UPDATE must come within 24 h of the person's last message
 * (or of their opening the conversation, when they have not written yet). ALERT may come any
 * time, but only when the person switched on alerts (any kind) from this business.
 */
export async function conversationToWrite(
  ctx: BusinessContext,
  input: { businessId: string; bsid: string; messagingType: SendApiBody['messagingType'] },
): Promise<string> {
  const found = await findWindowByBsid(ctx.db, input.businessId, input.bsid);
  if (!found) throw new AppError('ERR_NOT_FOUND', { message: 'No person has this BSID at your business.' });
  if (input.messagingType === 'ALERT' && !(await hasAlertsEnabled(ctx.db, input.businessId, found.person_id))) {
    throw new AppError('ERR_ALERTS_NOT_ENABLED', { message: 'The person has not enabled alerts from your bank; send RESPONSE or UPDATE within the 24-hour window.' });
  }
  const { conversation } = found;
  if (!conversation) throw new AppError('ERR_NO_CONVERSATION');
  // ALERT is what the person enabled: it is not bound to the window they opened.
  if (input.messagingType === 'ALERT') return conversation.id;
  const lastTouch = Math.max(conversation.created_at, conversation.last_person_message_at ?? 0);
  if (ctx.clock.now() - lastTouch > messagingWindowMs) {
    throw new AppError('ERR_OUTSIDE_WINDOW', {
      message: `${input.messagingType} messages may be sent only within 24 hours of the person's last message; this person last wrote more than 24 hours ago.`,
    });
  }
  return conversation.id;
}

/**
 * Send API: store a business message in the person's conversation, through messaging's group
 * committer, and deliver it live. `clientId` makes a repeat store nothing new.
 */
export async function sendBusinessMessage(
  ctx: BusinessContext,
  appender: BusinessMessageAppender,
  input: { businessId: string; body: SendApiBody; clientId: string },
): Promise<SendApiResult> {
  const { body } = input;
  const conversationId = await conversationToWrite(ctx, { businessId: input.businessId, bsid: body.recipient.bsid, messagingType: body.messagingType });
  const message = await appender.append({ conversationId, sender: 'business', content: body.content, clientId: input.clientId });
  return { conversationId: message.conversationId, seq: message.seq, sentAt: message.sentAt };
}
