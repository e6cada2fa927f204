import type { Db } from '../database';
import type { MessageRow } from './messaging.table';

/** The message with this seq in a conversation, if any. */
export async function findMessageAt(db: Db, conversationId: string, seq: number): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('seq', '=', seq).executeTakeFirst();
}

/**
 * The business's messages in a conversation that offer choices (buttons, quick replies). Bodies
 * are sealed, so SQL cannot tell which need step-up: the caller opens and parses each.
 */
export async function findChoiceOffers(db: Db, conversationId: string): Promise<Array<Pick<MessageRow, 'conversation_id' | 'seq' | 'body'>>> {
  return db
    .selectFrom('messages')
    .select(['conversation_id', 'seq', 'body'])
    .where('conversation_id', '=', conversationId)
    .where('sender', '=', 'business')
    .where('content_type', 'in', ['buttons', 'quick_replies'])
    .execute();
}
