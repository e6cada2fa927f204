import type { Kysely, Migration } from 'kysely';

export const openBankingMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('account_access_consents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('permissions', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer')
      .addColumn('transaction_from', 'integer')
      .addColumn('transaction_to', 'integer')
      .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
      .addColumn('account_ids', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('status_updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consents_by_customer').on('account_access_consents').column('customer_id').execute();
    await db.schema
      .createTable('consent_event_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('consent_id', 'text', (c) => c.notNull().references('account_access_consents.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('events_url', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
      .addColumn('delivered_at', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consent_events_due').on('consent_event_outbox').columns(['delivered_at', 'next_attempt_at']).execute();
  },
};
