import type { Db } from '../database';

/** Content types the business (bot or agents) sent in this conversation, with the last seq of each. */
export async function sharedContentTypes(db: Db, conversationId: string): Promise<{ contentType: string; seq: number }[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['content_type'])
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('conversation_id', '=', conversationId)
    .where('sender', '=', 'business')
    .groupBy('content_type')
    .orderBy('content_type')
    .execute();
  return rows.map((row) => ({ contentType: row.content_type, seq: Number(row.seq) }));
}
