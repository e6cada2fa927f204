import type { InboxStatus } from '@parley/protocol';
import { sql, type Insertable } from 'kysely';
import type { Db } from '../database';
import type { InboxConversationRow, InboxConversationsTable, InboxEpisodesTable } from './inbox.table';

/** An inbox row with what a list shows: the thread, the BSID, the assignee's name, the last message and the viewer's unread count. */
export interface InboxViewRow extends InboxConversationRow {
  last_seq: number;
  person_id: string;
  thread_owner: 'bot' | 'inbox';
  bsid: string | null;
  assignee_name: string | null;
  read_seq: number | null;
  unread: number | string;
  m_seq: number | null;
  m_client_id: string | null;
  m_sender: 'person' | 'business' | 'system' | null;
  m_body: string | null;
  m_created_at: number | null;
  m_agent_name: string | null;
}

export interface InboxFilter {
  businessId: string;
  /** Whose read position and unread count (a member id); null: the assignee's. */
  viewerMemberId: string | null;
  conversationId?: string;
  status?: InboxStatus | undefined;
  assignee?: { kind: 'member'; memberId: string } | { kind: 'none' } | undefined;
  bsidPrefix?: string | undefined;
  /** The last row of the previous page: `updated_at`, and its conversation id to break ties. */
  before?: number | undefined;
  beforeId?: string | undefined;
  limit?: number;
}

export async function findInboxViews(db: Db, filter: InboxFilter): Promise<InboxViewRow[]> {
  let query = db
    .selectFrom('inbox_conversations as ic')
    .innerJoin('conversations as c', 'c.id', 'ic.conversation_id')
    .leftJoin('bsids as b', (join) => join.onRef('b.business_id', '=', 'c.business_id').onRef('b.person_id', '=', 'c.person_id'))
    .leftJoin('business_members as bm', 'bm.id', 'ic.assignee_member_id')
    .leftJoin('people as p', 'p.id', 'bm.person_id')
    .leftJoin('inbox_reads as r', (join) =>
      filter.viewerMemberId === null
        ? join.onRef('r.conversation_id', '=', 'ic.conversation_id').onRef('r.member_id', '=', 'ic.assignee_member_id')
        : join.onRef('r.conversation_id', '=', 'ic.conversation_id').on('r.member_id', '=', filter.viewerMemberId),
    )
    .leftJoin('messages as m', (join) => join.onRef('m.conversation_id', '=', 'c.id').onRef('m.seq', '=', 'c.last_seq'))
    .selectAll('ic')
    .select(['c.last_seq', 'c.person_id', 'c.thread_owner', 'b.bsid', 'p.display_name as assignee_name', 'r.seq as read_seq'])
    .select(['m.seq as m_seq', 'm.client_id as m_client_id', 'm.sender as m_sender', 'm.body as m_body', 'm.created_at as m_created_at', 'm.agent_name as m_agent_name'])
    .select((eb) =>
      eb
        .selectFrom('messages as u')
        .select((inner) => inner.fn.countAll().as('n'))
        .whereRef('u.conversation_id', '=', 'ic.conversation_id')
        .where('u.sender', '=', 'person')
        .where((inner) => inner('u.seq', '>', inner.fn.coalesce('r.seq', inner.val(0))))
        .as('unread'),
    )
    .where('ic.business_id', '=', filter.businessId);
  if (filter.conversationId !== undefined) query = query.where('ic.conversation_id', '=', filter.conversationId);
  if (filter.status !== undefined) query = query.where('ic.status', '=', filter.status);
  if (filter.assignee?.kind === 'member') query = query.where('ic.assignee_member_id', '=', filter.assignee.memberId);
  if (filter.assignee?.kind === 'none') query = query.where('ic.assignee_member_id', 'is', null);
  // substr, not LIKE: `_` is a LIKE wildcard, and SQLite's LIKE ignores case.
  if (filter.bsidPrefix !== undefined) query = query.where(sql<string>`substr(b.bsid, 1, ${sql.lit(filter.bsidPrefix.length)})`, '=', filter.bsidPrefix);
  const { before, beforeId } = filter;
  if (before !== undefined && beforeId === undefined) query = query.where('ic.updated_at', '<', before);
  // The list is ordered (updated_at desc, conversation_id asc): strictly after the cursor row in that order.
  if (before !== undefined && beforeId !== undefined) {
    query = query.where((eb) => eb.or([eb('ic.updated_at', '<', before), eb.and([eb('ic.updated_at', '=', before), eb('ic.conversation_id', '>', beforeId)])]));
  }
  const rows = await query.orderBy('ic.updated_at', 'desc').orderBy('ic.conversation_id').limit(filter.limit ?? 1).execute();
  return rows as InboxViewRow[];
}

export async function findInboxRow(db: Db, conversationId: string): Promise<InboxConversationRow | undefined> {
  return db.selectFrom('inbox_conversations').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
}

/** The conversation enters (or re-enters) the inbox: open, unassigned, a fresh clock. */
export async function upsertHandover(db: Db, row: Insertable<InboxConversationsTable>): Promise<void> {
  await db
    .insertInto('inbox_conversations')
    .values(row)
    .onConflict((oc) =>
      oc.column('conversation_id').doUpdateSet({
        status: row.status,
        assignee_member_id: null,
        assigned_at: null,
        handed_over_at: row.handed_over_at,
        handover_note: row.handover_note ?? null,
        first_response_at: null,
        resolved_at: null,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** Change some columns; `onlyIf` makes it conditional (e.g. still unassigned). True when a row changed. */
export async function updateInboxRow(
  db: Db,
  options: {
    conversationId: string;
    set: Partial<Omit<InboxConversationRow, 'conversation_id' | 'business_id'>>;
    onlyIf?: { unassigned?: boolean; status?: InboxStatus; notStatus?: InboxStatus; noFirstResponse?: boolean };
  },
): Promise<boolean> {
  let query = db.updateTable('inbox_conversations').set(options.set).where('conversation_id', '=', options.conversationId);
  if (options.onlyIf?.unassigned) query = query.where('assignee_member_id', 'is', null);
  if (options.onlyIf?.status) query = query.where('status', '=', options.onlyIf.status);
  if (options.onlyIf?.notStatus) query = query.where('status', '<>', options.onlyIf.notStatus);
  if (options.onlyIf?.noFirstResponse) query = query.where('first_response_at', 'is', null);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Raise a member's read position (never lower it). */
export async function raiseMemberRead(db: Db, options: { conversationId: string; memberId: string; seq: number }): Promise<void> {
  await db
    .insertInto('inbox_reads')
    .values({ conversation_id: options.conversationId, member_id: options.memberId, seq: options.seq })
    .onConflict((oc) =>
      oc.columns(['conversation_id', 'member_id']).doUpdateSet({ seq: options.seq }).where('inbox_reads.seq', '<', options.seq),
    )
    .execute();
}

/** Unresolved, unassigned conversations of the business, oldest handover first (the queue auto-assignment drains). */
export async function findWaiting(db: Db, businessId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('inbox_conversations')
    .select('conversation_id')
    .where('business_id', '=', businessId)
    .where('assignee_member_id', 'is', null)
    .where('status', '<>', 'resolved')
    .orderBy('handed_over_at')
    .orderBy('conversation_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.conversation_id);
}

/** Per member of the business: unresolved conversations assigned now, and when they were last given one. */
export async function assignmentLoad(db: Db, businessId: string): Promise<Map<string, { open: number; lastAssignedAt: number }>> {
  const rows = await db
    .selectFrom('inbox_conversations')
    .select(['assignee_member_id', 'status', 'assigned_at'])
    .where('business_id', '=', businessId)
    .where('assignee_member_id', 'is not', null)
    .execute();
  const load = new Map<string, { open: number; lastAssignedAt: number }>();
  for (const row of rows) {
    const entry = load.get(row.assignee_member_id!) ?? { open: 0, lastAssignedAt: 0 };
    if (row.status !== 'resolved') entry.open++;
    entry.lastAssignedAt = Math.max(entry.lastAssignedAt, Number(row.assigned_at ?? 0));
    load.set(row.assignee_member_id!, entry);
  }
  return load;
}

export async function insertEpisode(db: Db, row: Insertable<InboxEpisodesTable>): Promise<void> {
  await db.insertInto('inbox_episodes').values(row).execute();
}
