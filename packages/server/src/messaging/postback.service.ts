import type { MessageContent, SendAck, SendPostbackBody } from '@parley/protocol';
import { completeStepUp } from '../identity';
import { AppError } from '../platform/errors';
import type { MessagingCore } from './conversation.service';
import { openBody } from './message.body';
import { findByClientIds } from './message.repository';
import { choicesOf, needsStepUp } from './postback.guard';
import { findMessageAt } from './postback.repository';

/**
 * A tap on a choice of message `seq`, over HTTP: the message must be the business's and offer
 * this payload. With `stepUp`, the passkey assertion must have been made for exactly this
 * message and payload; the `postback` webhook then carries Parley's proof for the bank.
 */
export async function sendPostback(
  core: MessagingCore,
  options: { personId: string; conversationId: string; body: SendPostbackBody },
): Promise<{ ack: SendAck; duplicate: boolean }> {
  const { ctx, owners, committer } = core;
  const { personId, conversationId, body } = options;
  const owner = await owners.ownedBy(conversationId, personId);
  if (!owner) throw new AppError('ERR_NOT_FOUND');
  const content: MessageContent = { contentType: 'postback', title: body.title, payload: body.payload };
  // A resend of a stored tap answers with the original ack before its spent challenge is looked at.
  const [stored] = await findByClientIds(ctx.db, ctx.dialect, [conversationId, body.clientId]);
  if (stored && stored.sender === 'person') {
    return { ack: { conversationId, clientId: body.clientId, seq: Number(stored.seq), sentAt: Number(stored.created_at) }, duplicate: true };
  }
  const found = await findMessageAt(ctx.db, conversationId, body.seq);
  const offer = found && (await openBody(ctx, Object.assign({}, found, { person_id: personId })));
  const choices = offer?.sender === 'business' ? choicesOf(JSON.parse(offer.body) as MessageContent) : new Map<string, boolean>();
  if (!choices.has(body.payload)) throw new AppError('ERR_NOT_FOUND', { message: `Message ${body.seq} offers no choice with this payload.` });
  let stepUp: string | undefined;
  if (body.stepUp) {
    const named = (await owners.loadBsids([conversationId])).get(conversationId);
    if (!named) throw new AppError('ERR_UNAVAILABLE');
    const expect = { kind: 'postback', conversationId, seq: body.seq, payload: body.payload } as const;
    ({ proof: stepUp } = await completeStepUp(ctx, { personId, assertion: body.stepUp, expect, bsid: named.bsid, audience: named.businessId }));
  } else if (choices.get(body.payload) === true || (await needsStepUp(ctx, { conversationId, payload: body.payload }))) {
    throw new AppError('ERR_STEP_UP_REQUIRED');
  }
  const result = await committer.send({ conversationId, personId, sender: 'person', content, clientId: body.clientId, ...(stepUp === undefined ? {} : { stepUp }) });
  if (!result.ok) throw result.error;
  const { seq, sentAt } = result.message;
  return { ack: { conversationId, clientId: body.clientId, seq, sentAt }, duplicate: result.duplicate };
}
