import type { Kysely, Migration } from 'kysely';

export const customersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('customers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('home_country', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('scheme', 'text', (c) => c.notNull())
      .addColumn('identification', 'text', (c) => c.notNull())
      .addColumn('mask', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'integer', (c) => c.notNull())
      .addColumn('credit_limit_minor', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('accounts_by_customer').on('accounts').column('customer_id').execute();
    await db.schema
      .createTable('transactions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('amount_minor', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('booked_at', 'integer', (c) => c.notNull())
      .addColumn('value_at', 'integer', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('merchant_name', 'text')
      .addColumn('merchant_category_code', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('country', 'text')
      .addColumn('balance_after_minor', 'integer')
      .execute();
    await db.schema.createIndex('transactions_by_account_time').on('transactions').columns(['account_id', 'booked_at']).execute();
  },
};

/**
 * A balance is the sum of an account's transactions per status: this index holds all three
 * columns the sum reads, so it never visits the table (a balance read over Open Banking
 * summed 384 µs of rows through the time index before; bench/README.md, bench:banking).
 */
export const balanceIndexMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('transactions_balance').on('transactions').columns(['account_id', 'status', 'amount_minor']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('transactions_balance').execute();
  },
};
