import type { Kysely } from 'kysely';

/** When Parley told the person their consent ends within 7 days (once per consent). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').addColumn('renewal_reminded_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').dropColumn('renewal_reminded_at').execute();
}
