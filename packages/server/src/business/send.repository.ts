import type { Db } from '../database';

export interface ConversationWindowRow {
  id: string;
  created_at: number;
  /** When the person last wrote in it; null when they have not yet. */
  last_person_message_at: number | null;
}

/**
 * The person's conversation with the business and when the person last wrote in it — read from
 * messaging's tables (messaging imports this domain, not the reverse). The newest person message
 * is found walking the conversation's (conversation_id, seq) key backwards.
 */
export async function findConversationWindow(db: Db, businessId: string, personId: string): Promise<ConversationWindowRow | undefined> {
  const row = await db
    .selectFrom('conversations as c')
    .select(['c.id', 'c.created_at'])
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        .select('m.created_at')
        .whereRef('m.conversation_id', '=', 'c.id')
        .where('m.sender', '=', 'person')
        .orderBy('m.seq', 'desc')
        .limit(1)
        .as('last_person_message_at'),
    )
    .where('c.business_id', '=', businessId)
    .where('c.person_id', '=', personId)
    .executeTakeFirst();
  if (!row) return undefined;
  const last = row.last_person_message_at;
  return { id: row.id, created_at: Number(row.created_at), last_person_message_at: last === null || last === undefined ? null : Number(last) };
}
