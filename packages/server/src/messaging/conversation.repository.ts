import type { Insertable } from 'kysely';
import type { Db } from '../database';
import { fixedQuery } from '../platform/db/fixed-query';
import type { ConversationRow, ConversationsTable, MessageRow, MessagesTable } from './messaging.table';

/** A conversation with what a list shows: its newest message and the person's unread count. */
export interface ConversationViewRow extends ConversationRow {
  unread: number | string;
  m_seq: number | null;
  m_client_id: string | null;
  m_sender: MessageRow['sender'] | null;
  m_body: string | null;
  m_created_at: number | null;
}

/**
 * Create the conversation, with its first message (the greeting) and whatever `alsoInTransaction`
 * writes (its webhook event) in the same transaction. Returns false, storing nothing, when the
 * person already has one with this business.
 */
export async function insertConversation(
  db: Db,
  options: {
    conversation: Insertable<ConversationsTable>;
    greeting: Insertable<MessagesTable> | null;
    alsoInTransaction?: (trx: Db) => Promise<unknown>;
  },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .insertInto('conversations')
      .values(options.conversation)
      .onConflict((oc) => oc.columns(['person_id', 'business_id']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    if (options.greeting) await trx.insertInto('messages').values(options.greeting).execute();
    await options.alsoInTransaction?.(trx);
    return true;
  });
}

export async function findConversationId(db: Db, personId: string, businessId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select('id')
    .where('person_id', '=', personId)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row?.id;
}

/** The person's conversations (or just `conversationId`, if theirs), newest activity first. */
export async function findConversationViews(db: Db, personId: string, conversationId?: string): Promise<ConversationViewRow[]> {
  let query = db
    .selectFrom('conversations as c')
    .leftJoin('messages as m', (join) => join.onRef('m.conversation_id', '=', 'c.id').onRef('m.seq', '=', 'c.last_seq'))
    .selectAll('c')
    .select([
      'm.seq as m_seq',
      'm.client_id as m_client_id',
      'm.sender as m_sender',
      'm.body as m_body',
      'm.created_at as m_created_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('messages as u')
        .select((inner) => inner.fn.countAll().as('n'))
        .whereRef('u.conversation_id', '=', 'c.id')
        .whereRef('u.seq', '>', 'c.person_read_seq')
        .where('u.sender', '<>', 'person')
        .as('unread'),
    )
    .where('c.person_id', '=', personId);
  if (conversationId !== undefined) query = query.where('c.id', '=', conversationId);
  const rows = await query.orderBy('c.last_message_at', 'desc').orderBy('c.id').execute();
  return rows as ConversationViewRow[];
}

/** Up to `limit` messages with seq below `before` (or the newest), newest first. */
export async function findMessagesBefore(
  db: Db,
  options: { conversationId: string; before: number | undefined; limit: number },
): Promise<MessageRow[]> {
  let query = db.selectFrom('messages').selectAll().where('conversation_id', '=', options.conversationId);
  if (options.before !== undefined) query = query.where('seq', '<', options.before);
  return query.orderBy('seq', 'desc').limit(options.limit).execute();
}

const messagesAfter = fixedQuery((db: Db, conversationId: string, after: number, limit: number) =>
  db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('seq', '>', after).orderBy('seq', 'asc').limit(limit),
);

/** A resume's page: up to `limit` messages with seq above `after`, oldest first (a prepared statement). */
export async function findMessagesAfter(db: Db, options: { conversationId: string; after: number; limit: number }): Promise<MessageRow[]> {
  return messagesAfter(db, options.conversationId, options.after, options.limit);
}

const lastSeqOfOne = fixedQuery((db: Db, personId: string, id: string) =>
  db.selectFrom('conversations').select(['id', 'last_seq']).where('person_id', '=', personId).where('id', '=', id),
);

/**
 * last_seq of each of these conversations that belongs to the person; others are left out.
 * One conversation (a phone resuming the chat it shows) is a prepared statement; a list is built.
 */
export async function findLastSeqs(db: Db, personId: string, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows =
    ids.length === 1
      ? await lastSeqOfOne(db, personId, ids[0] as string)
      : await db
          .selectFrom('conversations')
          .select(['id', 'last_seq'])
          .where('person_id', '=', personId)
          .where('id', 'in', [...ids])
          .execute();
  return new Map(rows.map((row) => [row.id, Number(row.last_seq)]));
}

/**
 * Move the person's read mark up to `seq`, never down and never past last_seq. Returns the
 * new mark, or undefined when it did not move (or the conversation is not theirs).
 */
export async function raisePersonReadSeq(
  db: Db,
  options: { conversationId: string; personId: string; seq: number; alsoInTransaction?: (trx: Db, seq: number) => Promise<unknown> },
): Promise<number | undefined> {
  if (options.alsoInTransaction) {
    const { alsoInTransaction, ...raise } = options;
    return db.transaction().execute(async (trx) => {
      const seq = await raisePersonReadSeq(trx, raise);
      if (seq !== undefined) await alsoInTransaction(trx, seq);
      return seq;
    });
  }
  const row = await db
    .updateTable('conversations')
    .set((eb) => ({
      person_read_seq: eb.case().when('last_seq', '<', options.seq).then(eb.ref('last_seq')).else(options.seq).end(),
    }))
    .where('id', '=', options.conversationId)
    .where('person_id', '=', options.personId)
    .where('person_read_seq', '<', options.seq)
    .whereRef('person_read_seq', '<', 'last_seq')
    .returning('person_read_seq')
    .executeTakeFirst();
  return row ? Number(row.person_read_seq) : undefined;
}

/** A page of bodies still stored in clear (written before sealing), in key order after `after`, with their conversation's person. */
export async function findPlainBodies(
  db: Db,
  page: { after: { conversationId: string; seq: number } | null; limit: number },
): Promise<Array<{ conversation_id: string; seq: number; body: string; person_id: string }>> {
  let query = db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .select(['m.conversation_id', 'm.seq', 'm.body', 'c.person_id'])
    .where('m.body', 'not like', 'pk1.%');
  const after = page.after;
  if (after) query = query.where((eb) => eb.or([eb('m.conversation_id', '>', after.conversationId), eb.and([eb('m.conversation_id', '=', after.conversationId), eb('m.seq', '>', after.seq)])]));
  const rows = await query.orderBy('m.conversation_id').orderBy('m.seq').limit(page.limit).execute();
  return rows.map((row) => ({ conversation_id: row.conversation_id, seq: Number(row.seq), body: row.body, person_id: row.person_id }));
}

/** Replace a body only if it is still the one read (a concurrent writer wins). Returns whether it did. */
export async function replaceBody(db: Db, change: { conversationId: string; seq: number; from: string; to: string }): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set({ body: change.to })
    .where('conversation_id', '=', change.conversationId)
    .where('seq', '=', change.seq)
    .where('body', '=', change.from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
