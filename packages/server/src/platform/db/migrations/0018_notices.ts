import type { Kysely } from 'kysely';

/** Bank notices: one row per notice however many follow it, and who follows which bank. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('notices_source', ['business_id', 'source_key'])
    .execute();
  await db.schema.createIndex('notices_business_time').on('notices').columns(['business_id', 'created_at']).execute();

  // Keyed by business first: a notice reads its followers as one range of the primary key.
  await db.schema
    .createTable('notice_follows')
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_follows_pk', ['business_id', 'person_id'])
    .execute();
  await db.schema.createIndex('notice_follows_person').on('notice_follows').column('person_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notice_follows').ifExists().execute();
  await db.schema.dropTable('notices').ifExists().execute();
}
