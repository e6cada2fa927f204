import {
  maxTextLength,
  type Business,
  type Conversation,
  type HistoryPage,
  type Message,
  type MessageContent,
  type SendAck,
} from '@parley/protocol';
import { bsidFor, getBusiness } from '../business';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { notifyWebhooks, recordEvents } from '../webhooks';
import type { ConversationOwners } from './conversation.owners';
import * as conversations from './conversation.repository';
import { businessTopic, personTopic, publishMessage } from './delivery.hub';
import { openBodies, openPreviews, sealBody } from './message.body';
import type { GroupCommitter } from './message.committer';
import type { MessageRow } from './messaging.table';
import { refuseUnprovenPostback } from './postback.guard';

/** What the messaging services share: the context, the owner cache and the one committer. */
export interface MessagingCore {
  readonly ctx: ServerContext;
  readonly owners: ConversationOwners;
  readonly committer: GroupCommitter;
  /** Told after each handover move on this node (the agent inbox opens, assigns and closes its rows). */
  readonly threadMoved?: Set<(event: { businessId: string; conversationId: string; move: 'pass' | 'take' | 'return'; metadata?: string | undefined }) => void | Promise<void>>;
}

export function toMessage(row: Omit<MessageRow, 'agent_name'> & { agent_name?: string | null }): Message {
  const message: Message = {
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    clientId: row.client_id,
    sender: row.sender,
    content: JSON.parse(row.body) as MessageContent,
    sentAt: Number(row.created_at),
  };
  if (row.agent_name) message.agent = { displayName: row.agent_name };
  return message;
}

function toConversation(row: conversations.ConversationViewRow, business: Business): Conversation {
  const lastMessage =
    row.m_seq === null
      ? null
      : toMessage({
          conversation_id: row.id,
          seq: row.m_seq,
          client_id: row.m_client_id,
          sender: row.m_sender ?? 'system',
          content_type: 'text',
          body: row.m_body ?? '{}',
          created_at: row.m_created_at ?? 0,
        });
  return {
    id: row.id,
    business,
    lastSeq: Number(row.last_seq),
    readSeq: Number(row.person_read_seq),
    peerReadSeq: Number(row.business_read_seq),
    unread: Number(row.unread),
    lastMessage,
    createdAt: Number(row.created_at),
  };
}

async function describe(core: MessagingCore, views: conversations.ConversationViewRow[]): Promise<Conversation[]> {
  const rows = await openPreviews(core.ctx, views, (row) => ({ conversationId: row.id, personId: row.person_id }));
  const businesses = new Map<string, Business | undefined>();
  for (const row of rows) {
    if (!businesses.has(row.business_id)) businesses.set(row.business_id, await getBusiness(core.ctx, row.business_id));
    core.owners.remember(row.id, { personId: row.person_id, businessId: row.business_id });
  }
  return rows.flatMap((row) => {
    const business = businesses.get(row.business_id);
    return business ? [toConversation(row, business)] : [];
  });
}

export async function listConversations(core: MessagingCore, personId: string): Promise<Conversation[]> {
  return describe(core, await conversations.findConversationViews(core.ctx.db, personId));
}

/** The person's conversation, or ERR_NOT_FOUND — also when it exists but is someone else's. */
export async function getConversation(core: MessagingCore, personId: string, conversationId: string): Promise<Conversation> {
  const [conversation] = await describe(core, await conversations.findConversationViews(core.ctx.db, personId, conversationId));
  if (!conversation) throw new AppError('ERR_NOT_FOUND');
  return conversation;
}

/**
 * Start (or find) the person's conversation with a business: only a person opens one. A new
 * conversation begins with the business's greeting, stored with it in one transaction.
 */
export async function openConversation(
  core: MessagingCore,
  options: { personId: string; businessId: string },
): Promise<{ conversation: Conversation; created: boolean }> {
  const business = await getBusiness(core.ctx, options.businessId);
  if (!business) throw new AppError('ERR_NOT_FOUND');
  const existing = await conversations.findConversationId(core.ctx.db, options.personId, business.id);
  const { id, created } = existing !== undefined ? { id: existing, created: false } : await createConversation(core, { personId: options.personId, business });
  return { conversation: await getConversation(core, options.personId, id), created };
}

async function createConversation(
  core: MessagingCore,
  options: { personId: string; business: Business },
): Promise<{ id: string; created: boolean }> {
  const { ctx } = core;
  const { personId, business } = options;
  const id = ctx.random.uuid();
  const now = ctx.clock.now();
  const greeting: Message | null = business.greeting
    ? {
        conversationId: id,
        seq: 1,
        clientId: null,
        sender: 'business',
        content: { contentType: 'text', text: business.greeting.slice(0, maxTextLength) },
        sentAt: now,
      }
    : null;
  // Before the transaction: SQLite has one connection, and the event must name the person by BSID.
  const bsid = await bsidFor(ctx, business.id, personId);
  const created = await conversations.insertConversation(ctx.db, {
    conversation: { id, person_id: personId, business_id: business.id, last_seq: greeting ? 1 : 0, person_read_seq: 0, business_read_seq: 0, created_at: now, last_message_at: now },
    greeting: greeting && {
      conversation_id: id,
      seq: 1,
      client_id: null,
      sender: 'business',
      content_type: greeting.content.contentType,
      body: await sealBody(ctx, { personId, conversationId: id, seq: 1 }, greeting.content),
      created_at: now,
    },
    alsoInTransaction: (trx) => recordEvents(trx, ctx, [{ businessId: business.id, type: 'conversation.started', data: { bsid, conversationId: id } }]),
  });
  if (!created) {
    // Lost a race with the same person's other request: theirs made it, use it.
    const winner = await conversations.findConversationId(ctx.db, personId, business.id);
    if (winner === undefined) throw new AppError('ERR_CONFLICT');
    return { id: winner, created: false };
  }
  const owner = { personId, businessId: business.id };
  core.owners.remember(id, owner);
  core.owners.rememberBsid(id, bsid);
  notifyWebhooks(ctx);
  if (greeting) publishMessage(ctx.bus, { personId, businessId: business.id, message: greeting });
  return { id, created: true };
}

async function requireOwned(core: MessagingCore, personId: string, conversationId: string): Promise<{ businessId: string }> {
  const owner = await core.owners.ownedBy(conversationId, personId);
  if (!owner) throw new AppError('ERR_NOT_FOUND');
  return owner;
}

/** A page of history in ascending seq: the `limit` messages just below `before` (or the newest). */
export async function readHistory(
  core: MessagingCore,
  options: { personId: string; conversationId: string; before?: number | undefined; limit?: number | undefined },
): Promise<HistoryPage> {
  await requireOwned(core, options.personId, options.conversationId);
  const limit = options.limit ?? 50;
  const rows = await conversations.findMessagesBefore(core.ctx.db, { conversationId: options.conversationId, before: options.before, limit: limit + 1 });
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit).reverse().map((row) => Object.assign({}, row, { person_id: options.personId }));
  return { messages: (await openBodies(core.ctx, page)).map(toMessage), hasMore };
}

/** Messages above `after`, oldest first, for a resume; the caller checked ownership. */
export async function readMissed(core: MessagingCore, options: { conversationId: string; after: number; limit: number }): Promise<Message[]> {
  const personId = core.owners.peek(options.conversationId)?.personId;
  const rows = (await conversations.findMessagesAfter(core.ctx.db, options)).map((row) => Object.assign({}, row, { person_id: personId }));
  return (await openBodies(core.ctx, rows)).map(toMessage);
}

/** last_seq of each conversation that is the person's; the others are absent. */
export async function lastSeqsOf(core: MessagingCore, personId: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
  return conversations.findLastSeqs(core.ctx.db, personId, conversationIds);
}

/** Raise the person's read mark and tell their other sockets and the business side. */
export async function markRead(
  core: MessagingCore,
  options: { personId: string; conversationId: string; seq: number; skipSocket?: string },
): Promise<void> {
  const { ctx, owners } = core;
  const { conversationId } = options;
  const owner = await requireOwned(core, options.personId, conversationId);
  const bsid = (await owners.loadBsids([conversationId])).get(conversationId)?.bsid;
  const seq = await conversations.raisePersonReadSeq(ctx.db, {
    conversationId,
    personId: options.personId,
    seq: options.seq,
    // The bank learns of the read in the same transaction as the read mark moves.
    alsoInTransaction: bsid === undefined ? undefined : (trx, read) => recordEvents(trx, ctx, [{ businessId: owner.businessId, type: 'message.read', data: { bsid, conversationId, seq: read } }]),
  });
  if (seq === undefined) return;
  if (bsid !== undefined) notifyWebhooks(ctx);
  const frame = { type: 'read', conversationId: options.conversationId, reader: 'person', seq } as const;
  core.ctx.bus.publish(personTopic(options.personId), options.skipSocket === undefined ? { frame } : { frame, skipSocket: options.skipSocket });
  core.ctx.bus.publish(businessTopic(owner.businessId), { frame });
}

/** Relay the person's typing to the business side; nothing is stored and nothing echoes back. */
export async function relayTyping(
  core: MessagingCore,
  options: { personId: string; conversationId: string; state: 'start' | 'stop' },
): Promise<void> {
  const owner = await requireOwned(core, options.personId, options.conversationId);
  const frame = { type: 'typing', conversationId: options.conversationId, sender: 'person', state: options.state } as const;
  core.ctx.bus.publish(businessTopic(owner.businessId), { frame });
}

/** A person's send over HTTP: the same committer, rules and idempotency as the `send` frame. */
export async function sendAsPerson(
  core: MessagingCore,
  options: { personId: string; conversationId: string; clientId: string; content: MessageContent },
): Promise<{ ack: SendAck; duplicate: boolean }> {
  await refuseUnprovenPostback(core.ctx, options);
  const result = await core.committer.send({ conversationId: options.conversationId, personId: options.personId, sender: 'person', content: options.content, clientId: options.clientId });
  if (!result.ok) throw result.error;
  const { conversationId, seq, sentAt } = result.message;
  return { ack: { conversationId, clientId: options.clientId, seq, sentAt }, duplicate: result.duplicate };
}
