import type { Db } from '../database';
import type { MessageRow } from './messaging.table';

/** The message with this seq in a conversation, if any. */
export async function findMessageAt(db: Db, conversationId: string, seq: number): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('seq', '=', seq).executeTakeFirst();
}

/**
 * The bodies of the business's messages in a conversation that offer a choice needing step-up.
 * The text match only narrows the scan; the caller parses each body to be sure.
 */
export async function findStepUpOffers(db: Db, conversationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', conversationId)
    .where('sender', '=', 'business')
    .where('content_type', 'in', ['buttons', 'quick_replies'])
    .where('body', 'like', '%"requiresStepUp":true%')
    .execute();
  return rows.map((row) => row.body);
}
