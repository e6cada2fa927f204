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
  },
};
