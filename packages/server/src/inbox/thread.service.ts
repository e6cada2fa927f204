import type { AgentContent, InboxConversation, Message } from '@parley/protocol';
import { AppError } from '../platform/errors';
import { autoAssign } from './assignment.service';
import type { ConsoleMember } from './console.access';
import { memberName } from './console-member.repository';
import { insertEpisode, raiseMemberRead, updateInboxRow, upsertHandover } from './inbox.repository';
import { publishInbox, requireInboxRow, type InboxCore } from './inbox.service';
import { sealHandoverNote } from './note.body';
import { findConversationPerson } from './note.repository';

type Move = 'pass' | 'take' | 'return';

/**
 * After any handover (the bot's pass over the Business API, or the console's take/return): a
 * thread passed or taken enters the inbox open and unassigned, then round-robin runs; a thread
 * given back closes its episode (unless a resolve already did).
 */
export async function onThreadMoved(core: InboxCore, event: { businessId: string; conversationId: string; move: Move; metadata?: string | undefined }): Promise<void> {
  const { businessId, conversationId } = event;
  const now = core.ctx.clock.now();
  if (event.move === 'return') {
    await closeEpisode(core, { businessId, conversationId, outcome: 'returned' });
    await publishInbox(core, businessId, conversationId).catch(() => undefined);
    return;
  }
  const personId = event.metadata === undefined ? undefined : await findConversationPerson(core.ctx.db, conversationId);
  await upsertHandover(core.ctx.db, {
    conversation_id: conversationId,
    business_id: businessId,
    status: 'open',
    assignee_member_id: null,
    assigned_at: null,
    handed_over_at: now,
    // Sealed under the person's key (note.body.ts): the bot's reason may say what the person asked.
    handover_note: event.metadata === undefined || personId === undefined ? null : await sealHandoverNote(core.ctx, { conversationId, personId }, event.metadata),
    first_response_at: null,
    resolved_at: null,
    updated_at: now,
  });
  await publishInbox(core, businessId, conversationId);
  await autoAssign(core, businessId);
}

/** A person wrote in a conversation the inbox owns: it moves up the list, and a pending one is open again. */
export async function onInboxMessage(core: InboxCore, message: Message, owner: { businessId: string }): Promise<void> {
  if (message.sender !== 'person') return;
  const { conversationId } = message;
  const now = core.ctx.clock.now();
  await updateInboxRow(core.ctx.db, { conversationId, set: { status: 'open', updated_at: now }, onlyIf: { status: 'pending' } });
  const touched = await updateInboxRow(core.ctx.db, { conversationId, set: { updated_at: now }, onlyIf: { notStatus: 'resolved' } });
  if (touched) await publishInbox(core, owner.businessId, conversationId);
}

/**
 * End the current episode (resolved, or given back to the bot) once: the row turns resolved and a
 * finished episode is stored for the figures. Returns its id (the CSAT survey's), or null when it was already closed.
 */
async function closeEpisode(core: InboxCore, options: { businessId: string; conversationId: string; outcome: 'resolved' | 'returned' }): Promise<string | null> {
  const { db } = core.ctx;
  const row = await requireInboxRow(core, options.businessId, options.conversationId);
  const now = core.ctx.clock.now();
  const closed = await updateInboxRow(db, { conversationId: options.conversationId, set: { status: 'resolved', resolved_at: now, updated_at: now }, onlyIf: { notStatus: 'resolved' } });
  if (!closed) return null;
  const assigneeName = row.assignee_member_id === null ? null : await memberName(db, row.assignee_member_id);
  const id = core.ctx.random.uuid();
  await insertEpisode(db, {
    id,
    business_id: options.businessId,
    conversation_id: options.conversationId,
    assignee_member_id: row.assignee_member_id,
    assignee_name: assigneeName,
    outcome: options.outcome,
    handed_over_at: Number(row.handed_over_at),
    first_response_at: row.first_response_at === null ? null : Number(row.first_response_at),
    resolved_at: now,
    csat_rating: null,
    csat_at: null,
  });
  // The conversation's place frees up for someone waiting.
  void autoAssign(core, options.businessId);
  return id;
}

/** The inbox must own the thread for an agent to act in it. */
async function requireOwnedByInbox(core: InboxCore, businessId: string, conversationId: string) {
  const row = await requireInboxRow(core, businessId, conversationId);
  const thread = await core.side.thread(businessId, conversationId);
  if (thread.thread_owner !== 'inbox' || row.status === 'resolved') {
    throw new AppError('ERR_CONFLICT', { message: 'The inbox does not own this conversation now; take it first.' });
  }
  return { row, thread };
}

/**
 * An agent's reply: stored as a business message with the agent's display name, idempotent on
 * clientId. The first reply of an episode sets its first-response time.
 */
export async function replyAsAgent(
  core: InboxCore,
  options: { businessId: string; conversationId: string; member: ConsoleMember; clientId: string; content: AgentContent },
): Promise<{ message: Message; duplicate: boolean }> {
  const { businessId, conversationId, member } = options;
  const { thread } = await requireOwnedByInbox(core, businessId, conversationId);
  const before = thread.last_seq;
  const message = await core.append({ conversationId, sender: 'business', content: options.content, clientId: options.clientId, agent: { displayName: member.display_name } });
  const duplicate = message.seq <= before || message.agent === undefined;
  if (duplicate) return { message, duplicate };
  const now = core.ctx.clock.now();
  await updateInboxRow(core.ctx.db, { conversationId, set: { first_response_at: now }, onlyIf: { noFirstResponse: true } });
  // Answering takes an unassigned conversation, and the agent has read what they answered.
  await updateInboxRow(core.ctx.db, { conversationId, set: { assignee_member_id: member.id, assigned_at: now }, onlyIf: { unassigned: true } });
  await updateInboxRow(core.ctx.db, { conversationId, set: { updated_at: now } });
  await raiseMemberRead(core.ctx.db, { conversationId, memberId: member.id, seq: message.seq });
  await publishInbox(core, businessId, conversationId);
  return { message, duplicate };
}

export async function markReadAsAgent(core: InboxCore, options: { businessId: string; conversationId: string; member: ConsoleMember; seq: number }): Promise<void> {
  const thread = await core.side.thread(options.businessId, options.conversationId);
  await requireInboxRow(core, options.businessId, options.conversationId);
  const seq = Math.min(options.seq, thread.last_seq);
  await raiseMemberRead(core.ctx.db, { conversationId: options.conversationId, memberId: options.member.id, seq });
  await core.side.markRead({ businessId: options.businessId, conversationId: options.conversationId, seq });
}

export async function typingAsAgent(core: InboxCore, options: { businessId: string; conversationId: string; state: 'start' | 'stop' }): Promise<void> {
  await requireOwnedByInbox(core, options.businessId, options.conversationId);
  await core.side.typing(options);
}

export async function setStatus(core: InboxCore, options: { businessId: string; conversationId: string; status: 'open' | 'pending' }): Promise<InboxConversation> {
  await requireOwnedByInbox(core, options.businessId, options.conversationId);
  await updateInboxRow(core.ctx.db, { conversationId: options.conversationId, set: { status: options.status, updated_at: core.ctx.clock.now() }, onlyIf: { notStatus: 'resolved' } });
  return publishInbox(core, options.businessId, options.conversationId);
}

/** Take a thread the bot owns (handover.taken); the taker is assigned. */
export async function takeThread(core: InboxCore, options: { businessId: string; conversationId: string; member: ConsoleMember }): Promise<InboxConversation> {
  const { businessId, conversationId } = options;
  await core.side.moveThread({ businessId, conversationId, move: 'take', metadata: `Taken by ${options.member.display_name}` });
  const now = core.ctx.clock.now();
  await updateInboxRow(core.ctx.db, { conversationId, set: { assignee_member_id: options.member.id, assigned_at: now, updated_at: now } });
  return publishInbox(core, businessId, conversationId);
}

/** Give the thread back to the bot without a survey (handover.returned). */
export async function returnToBot(core: InboxCore, options: { businessId: string; conversationId: string; metadata?: string | undefined }): Promise<InboxConversation> {
  await requireOwnedByInbox(core, options.businessId, options.conversationId);
  await core.side.moveThread({ businessId: options.businessId, conversationId: options.conversationId, metadata: options.metadata, move: 'return' });
  return publishInbox(core, options.businessId, options.conversationId);
}

/**
 * Resolve: the episode closes, the thread goes back to the bot (handover.returned, so the bot
 * answers what comes next), and the person gets the one-tap survey.
 */
export async function resolveConversation(core: InboxCore, options: { businessId: string; conversationId: string; member: ConsoleMember }): Promise<InboxConversation> {
  const { businessId, conversationId } = options;
  await requireOwnedByInbox(core, businessId, conversationId);
  const surveyId = await closeEpisode(core, { businessId, conversationId, outcome: 'resolved' });
  if (surveyId === null) throw new AppError('ERR_CONFLICT', { message: 'This conversation is already resolved.' });
  await core.side.moveThread({ businessId, conversationId, move: 'return', metadata: `Resolved by ${options.member.display_name}` });
  await core.append({
    conversationId,
    sender: 'system',
    clientId: `csat_${surveyId.replace(/-/g, '')}`,
    content: { contentType: 'csat_survey', surveyId, text: 'How did we do? Rate this conversation from 1 to 5.' },
  });
  return publishInbox(core, businessId, conversationId);
}
