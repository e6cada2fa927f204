import type { Kysely } from 'kysely';

/**
 * Alerts: what banks sent through the Alert API (with the person's answer), and the kinds each
 * person switched on per bank. A kind is off unless its row exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('bsid', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('answer_action_id', 'text')
    .addColumn('answered_at', 'bigint')
    .addColumn('answer_stepped_up', 'integer')
    .execute();
  await db.schema.createIndex('alerts_source').on('alerts').columns(['business_id', 'source_key']).unique().execute();
  await db.schema.createIndex('alerts_person').on('alerts').columns(['person_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('alerts_open').on('alerts').columns(['expires_at']).execute();

  await db.schema
    .createTable('alert_preferences')
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_preferences_pk', ['person_id', 'business_id', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_preferences').ifExists().execute();
  await db.schema.dropTable('alerts').ifExists().execute();
}
