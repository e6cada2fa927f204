import type { Kysely } from 'kysely';

/**
 * The agent console: handed-over conversations in the human inbox (status, assignee), each
 * agent's read position, every finished episode (for first-response, resolution and CSAT
 * figures), internal notes, canned responses, reveal requests (values sealed under the consent's
 * data key), invites (hashed, one use) and per-business console settings; and which agent wrote a
 * business message.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('agent_name', 'text').execute();

  await db.schema
    .createTable('inbox_conversations')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_member_id', 'text', (c) => c.references('business_members.id').onDelete('set null'))
    .addColumn('assigned_at', 'bigint')
    .addColumn('handed_over_at', 'bigint', (c) => c.notNull())
    .addColumn('handover_note', 'text')
    .addColumn('first_response_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbox_conversations_business').on('inbox_conversations').columns(['business_id', 'updated_at']).execute();
  await db.schema.createIndex('inbox_conversations_assignee').on('inbox_conversations').columns(['assignee_member_id', 'status']).execute();

  await db.schema
    .createTable('inbox_reads')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('business_members.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_reads_pk', ['conversation_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('inbox_episodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('assignee_member_id', 'text')
    .addColumn('assignee_name', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('handed_over_at', 'bigint', (c) => c.notNull())
    .addColumn('first_response_at', 'bigint')
    .addColumn('resolved_at', 'bigint', (c) => c.notNull())
    .addColumn('csat_rating', 'integer')
    .addColumn('csat_at', 'bigint')
    .execute();
  await db.schema.createIndex('inbox_episodes_business').on('inbox_episodes').columns(['business_id', 'resolved_at']).execute();

  await db.schema
    .createTable('inbox_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_member_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbox_notes_conversation').on('inbox_notes').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .createTable('inbox_canned')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('quick_replies', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('inbox_canned_shortcut', ['business_id', 'shortcut'])
    .execute();

  await db.schema
    .createTable('inbox_reveals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('requested_by_member_id', 'text', (c) => c.notNull())
    .addColumn('requested_by_name', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('account_mask', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value_sealed', 'text')
    .addColumn('value_consent_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema.createIndex('inbox_reveals_conversation').on('inbox_reveals').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .createTable('business_invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by_member_id', 'text', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('business_invites_business').on('business_invites').column('business_id').execute();

  await db.schema
    .createTable('business_console_settings')
    .addColumn('business_id', 'text', (c) => c.primaryKey().references('businesses.id').onDelete('cascade'))
    .addColumn('logo_url', 'text')
    .addColumn('auto_assign', 'integer', (c) => c.notNull())
    .addColumn('max_per_agent', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['business_console_settings', 'business_invites', 'inbox_reveals', 'inbox_canned', 'inbox_notes', 'inbox_episodes', 'inbox_reads', 'inbox_conversations']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('messages').dropColumn('agent_name').execute();
}
