import type { MessageContent, SenderKind } from '@parley/protocol';
import type { WebhookEventInput } from '../webhooks';
import type { ConversationBsid } from './conversation.owners';
import type { ReservedSeqs } from './message.repository';

/**
 * The webhook events of a batch's new person messages: `message.created` (or `postback` for a
 * tap) for the side that owns the thread (bot or inbox), `standby` for the other. Business and system messages make none.
 * A conversation whose BSID is not known gets none either (its BSID could not be read).
 */
export function personMessageEvents(options: {
  batch: readonly { readonly conversationId: string; readonly personId: string | null; readonly sender: SenderKind; readonly content: MessageContent; readonly stepUp?: string }[];
  /** Per send: `new` with its seq for a message this batch stores; anything else for the rest. */
  outcomes: readonly ({ kind: 'new'; seq: number } | { kind: 'stored' | 'same' | 'failed' })[];
  reserved: ReadonlyMap<string, ReservedSeqs>;
  /** Conversation → its business and the person's BSID there, read before the transaction. */
  bsids: ReadonlyMap<string, ConversationBsid>;
  sentAt: number;
}): WebhookEventInput[] {
  const { batch, outcomes, reserved, bsids, sentAt } = options;
  const events: WebhookEventInput[] = [];
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    const outcome = outcomes[i]!;
    if (outcome.kind !== 'new' || request.sender !== 'person') continue;
    const { conversationId } = request;
    const named = bsids.get(conversationId);
    const thread = reserved.get(conversationId)?.threadOwner;
    if (!named || thread === undefined) continue;
    const { businessId, bsid } = named;
    const data = { bsid, conversationId, message: { seq: outcome.seq, sender: request.sender, content: request.content, sentAt } };
    // The person's words: the stored payload is sealed under their key, like the message itself.
    const personId = request.personId ?? undefined;
    // A tap reaches the owner once, as `postback` (as on Messenger), so a bot never acts on it twice.
    if (request.content.contentType === 'postback') {
      const { title, payload } = request.content;
      const stepUp = request.stepUp === undefined ? {} : { stepUp: request.stepUp };
      events.push({ businessId, type: 'postback', audience: thread, personId, data: { bsid, conversationId, seq: outcome.seq, title, payload, ...stepUp } });
    } else {
      events.push({ businessId, type: 'message.created', audience: thread, personId, data });
    }
    events.push({ businessId, type: 'standby', audience: thread === 'bot' ? 'inbox' : 'bot', personId, data });
  }
  return events;
}
