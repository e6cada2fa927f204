import type { MessageContent, SenderKind } from '@parley/protocol';
import type { WebhookEventInput } from '../webhooks';
import type { ConversationOwners } from './conversation.owners';
import type { ReservedSeqs } from './message.repository';

/**
 * The webhook events of a batch's new person messages: `message.created` for the side that owns
 * the thread (bot or inbox), `standby` for the other. Business and system messages make none.
 * A conversation whose BSID is not known gets none either (its BSID could not be read).
 */
export function personMessageEvents(options: {
  batch: readonly { readonly conversationId: string; readonly sender: SenderKind; readonly content: MessageContent }[];
  /** Per send: `new` with its seq for a message this batch stores; anything else for the rest. */
  outcomes: readonly ({ kind: 'new'; seq: number } | { kind: 'stored' | 'same' | 'failed' })[];
  reserved: ReadonlyMap<string, ReservedSeqs>;
  owners: ConversationOwners;
  sentAt: number;
}): WebhookEventInput[] {
  const { batch, outcomes, reserved, owners, sentAt } = options;
  const events: WebhookEventInput[] = [];
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    const outcome = outcomes[i]!;
    if (outcome.kind !== 'new' || request.sender !== 'person') continue;
    const { conversationId } = request;
    const owner = owners.peek(conversationId);
    const bsid = owners.bsidOf(conversationId);
    const thread = reserved.get(conversationId)?.threadOwner;
    if (!owner || bsid === undefined || thread === undefined) continue;
    const data = { bsid, conversationId, message: { seq: outcome.seq, sender: request.sender, content: request.content, sentAt } };
    const { businessId } = owner;
    events.push({ businessId, type: 'message.created', audience: thread, data });
    events.push({ businessId, type: 'standby', audience: thread === 'bot' ? 'inbox' : 'bot', data });
  }
  return events;
}
