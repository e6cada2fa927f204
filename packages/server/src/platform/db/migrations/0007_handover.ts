import type { Kysely } from 'kysely';

/**
 * Handover: who owns each conversation's thread (the bank's bot or its human inbox), and which
 * side each webhook endpoint serves, so messages go to the owner and `standby` to the other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('thread_owner', 'text', (c) => c.notNull().defaultTo('bot')).execute();
  await db.schema.alterTable('webhook_endpoints').addColumn('role', 'text', (c) => c.notNull().defaultTo('bot')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('role').execute();
  await db.schema.alterTable('conversations').dropColumn('thread_owner').execute();
}
