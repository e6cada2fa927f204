import type { Kysely } from 'kysely';

/**
 * A lease on a consent's refresh: the node that sets `refreshing_until` (while no one else holds
 * it) is the one that refreshes; the others wait for its tokens. The bank ends the whole grant
 * when a used refresh token comes back, so two nodes must never refresh the same consent at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bank_tokens').addColumn('refreshing_until', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('bank_tokens').dropColumn('refreshing_until').execute();
}
