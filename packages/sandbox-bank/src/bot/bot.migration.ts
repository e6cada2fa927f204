import type { Kysely, Migration } from 'kysely';

export const botMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('bot_webhooks')
      .addColumn('webhook_id', 'text', (c) => c.primaryKey())
      .addColumn('received_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('bot_links')
      .addColumn('bsid', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
      .addColumn('linked_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('bot_links_by_customer').on('bot_links').column('customer_id').execute();
    await db.schema
      .createTable('bot_link_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('bsid', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('used_at', 'integer')
      .execute();
    await db.schema
      .createTable('bot_fraud_alerts')
      .addColumn('authorization_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('bsid', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('bot_fraud_alerts_pk', ['authorization_id', 'bsid'])
      .execute();
  },
};

/**
 * Fraud alerts through Parley's Alert API and step-up: the alert id of each alert, the step-up
 * proofs already used, and the messages that offered a button needing the person's passkey.
 */
export const botAlertsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('bot_fraud_alerts').addColumn('alert_id', 'text').execute();
    await db.schema.createIndex('bot_fraud_alerts_by_alert').on('bot_fraud_alerts').column('alert_id').execute();
    await db.schema
      .createTable('bot_step_up_proofs')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('bot_step_up_offers')
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('bot_step_up_offers_pk', ['conversation_id', 'seq', 'payload'])
      .execute();
  },
};
