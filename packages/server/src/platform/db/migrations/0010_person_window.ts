import { sql, type Kysely } from 'kysely';

/**
 * The Send API's 24-hour window needs when the person last wrote. Walking the messages for it
 * grows with every message the bank sends since; the committer now keeps it on the
 * conversation row, under the same row lock that orders seqs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('last_person_message_at', 'bigint').execute();
  await sql`update conversations set last_person_message_at = (
    select max(m.created_at) from messages m where m.conversation_id = conversations.id and m.sender = 'person'
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('last_person_message_at').execute();
}
