import type { Db } from '../database';
import type { ThreadOwner } from './messaging.table';

/** A conversation as the business side sees it (the agent console). */
export interface BusinessThreadRow {
  id: string;
  person_id: string;
  business_id: string;
  last_seq: number;
  business_read_seq: number;
  thread_owner: ThreadOwner;
}

export async function findBusinessThread(db: Db, businessId: string, conversationId: string): Promise<BusinessThreadRow | undefined> {
  const row = await db
    .selectFrom('conversations')
    .select(['id', 'person_id', 'business_id', 'last_seq', 'business_read_seq', 'thread_owner'])
    .where('id', '=', conversationId)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row && { id: row.id, person_id: row.person_id, business_id: row.business_id, last_seq: Number(row.last_seq), business_read_seq: Number(row.business_read_seq), thread_owner: row.thread_owner };
}

/** Raise the business side's read mark (never down, never past last_seq); the new mark, or undefined when it did not move. */
export async function raiseBusinessReadSeq(db: Db, options: { conversationId: string; businessId: string; seq: number }): Promise<number | undefined> {
  const row = await db
    .updateTable('conversations')
    .set((eb) => ({
      business_read_seq: eb.case().when('last_seq', '<', options.seq).then(eb.ref('last_seq')).else(options.seq).end(),
    }))
    .where('id', '=', options.conversationId)
    .where('business_id', '=', options.businessId)
    .where('business_read_seq', '<', options.seq)
    .whereRef('business_read_seq', '<', 'last_seq')
    .returning('business_read_seq')
    .executeTakeFirst();
  return row ? Number(row.business_read_seq) : undefined;
}
