import type { Kysely } from 'kysely';

/**
 * Each access-log chain head carries an HMAC under a key only the key ring can unwrap, so a
 * chain rewritten with recomputed hashes by someone with only database access is caught.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_log_heads').addColumn('seal', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_log_heads').dropColumn('seal').execute();
}
