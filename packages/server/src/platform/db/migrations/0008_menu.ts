import type { Kysely } from 'kysely';

/** A business's get-started button and persistent menu, as JSON text; null until it sets them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('businesses').addColumn('get_started', 'text').execute();
  await db.schema.alterTable('businesses').addColumn('persistent_menu', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('businesses').dropColumn('persistent_menu').execute();
  await db.schema.alterTable('businesses').dropColumn('get_started').execute();
}
