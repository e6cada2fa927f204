import type { InboxConversation, InboxList, InboxQuery, Message, MessageContent } from '@parley/protocol';
import type { ServerContext } from '../context';
import { businessTopic, openPreviews, type AppendMessageInput, type BusinessSide, type DeliveryEvent } from '../messaging';
import { AppError } from '../platform/errors';
import type { ConsoleMember } from './console.access';
import { findInboxRow, findInboxViews, type InboxFilter, type InboxViewRow } from './inbox.repository';
import type { InboxConversationRow } from './inbox.table';
import { openHandoverNotes } from './note.body';

/** What the inbox services share: the context, messaging's business side, and how to store a message. */
export interface InboxCore {
  readonly ctx: ServerContext;
  readonly side: BusinessSide;
  append(input: AppendMessageInput): Promise<Message>;
}

function lastMessageOf(row: InboxViewRow): Message | null {
  if (row.m_seq === null) return null;
  const message: Message = {
    conversationId: row.conversation_id,
    seq: Number(row.m_seq),
    clientId: row.m_client_id,
    sender: row.m_sender ?? 'system',
    content: JSON.parse(row.m_body ?? '{}') as MessageContent,
    sentAt: Number(row.m_created_at ?? 0),
  };
  if (row.m_agent_name) message.agent = { displayName: row.m_agent_name };
  return message;
}

const orNull = (value: number | string | null) => (value === null ? null : Number(value));

export function toInboxConversation(row: InboxViewRow): InboxConversation {
  return {
    conversationId: row.conversation_id,
    businessId: row.business_id,
    bsid: row.bsid ?? 'bsid_unknown',
    status: row.status,
    assignee: row.assignee_member_id && row.assignee_name !== null ? { memberId: row.assignee_member_id, displayName: row.assignee_name } : null,
    owner: row.thread_owner,
    unread: Number(row.unread),
    lastSeq: Number(row.last_seq),
    readSeq: Number(row.read_seq ?? 0),
    lastMessage: lastMessageOf(row),
    handedOverAt: Number(row.handed_over_at),
    handoverNote: row.handover_note,
    firstResponseAt: orNull(row.first_response_at),
    resolvedAt: orNull(row.resolved_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Message bodies are sealed at rest (docs/privacy.md): the previews open through messaging. */
async function openedViews(core: InboxCore, rows: InboxViewRow[]): Promise<InboxViewRow[]> {
  const previews = await openPreviews(core.ctx, rows, (row) => ({ conversationId: row.conversation_id, personId: row.person_id }));
  return openHandoverNotes(core.ctx, previews);
}

/** The inbox row of one of the business's conversations, or ERR_NOT_FOUND (never handed over, or another business's). */
export async function requireInboxRow(core: InboxCore, businessId: string, conversationId: string): Promise<InboxConversationRow> {
  const row = await findInboxRow(core.ctx.db, conversationId);
  if (!row || row.business_id !== businessId) throw new AppError('ERR_NOT_FOUND');
  return row;
}

/** One conversation as `viewer` sees it (their unread count); null viewer: the assignee's. */
export async function inboxSummary(core: InboxCore, options: { businessId: string; conversationId: string; viewerMemberId: string | null }): Promise<InboxConversation> {
  const [row] = await openedViews(core, await findInboxViews(core.ctx.db, { businessId: options.businessId, conversationId: options.conversationId, viewerMemberId: options.viewerMemberId }));
  if (!row) throw new AppError('ERR_NOT_FOUND');
  return toInboxConversation(row);
}

export async function listInbox(core: InboxCore, member: ConsoleMember & { businessId: string }, query: InboxQuery): Promise<InboxList> {
  if (query.beforeId !== undefined && query.before === undefined) {
    throw new AppError('ERR_VALIDATION', { message: 'beforeId needs before: both come from the last row of the previous page.' });
  }
  const limit = query.limit ?? 50;
  const view = query.view ?? 'all';
  const filter: InboxFilter = {
    businessId: member.businessId,
    viewerMemberId: member.id,
    status: query.status,
    assignee: view === 'mine' ? { kind: 'member', memberId: member.id } : view === 'unassigned' ? { kind: 'none' } : undefined,
    bsidPrefix: query.bsid,
    before: query.before,
    beforeId: query.beforeId,
    limit: limit + 1,
  };
  const rows = await openedViews(core, await findInboxViews(core.ctx.db, filter));
  return { conversations: rows.slice(0, limit).map(toInboxConversation), hasMore: rows.length > limit };
}

/** Tell every console socket of the business that the conversation changed. */
export async function publishInbox(core: InboxCore, businessId: string, conversationId: string): Promise<InboxConversation> {
  const conversation = await inboxSummary(core, { businessId, conversationId, viewerMemberId: null });
  core.ctx.bus.publish(businessTopic(businessId), { frame: { type: 'inbox', conversation } } satisfies DeliveryEvent);
  return conversation;
}
