import type { Kysely } from 'kysely';

/**
 * Banking: institutions (banks Parley links to), link sessions (a PAR in flight, 10 minutes),
 * consents, their bank tokens (sealed under the consent's data key) and a short-lived cache of
 * financial data (sealed too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('institutions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('logo_url', 'text')
    .addColumn('issuer', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('ob_base_url', 'text', (c) => c.notNull())
    .addColumn('events_jwks_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('link_sessions')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'text', (c) => c.notNull())
    .addColumn('bank_consent_id', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('consent_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('secrets_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('institution_id', 'text', (c) => c.notNull())
    .addColumn('bank_consent_id', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('data_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('ended_by', 'text')
    .addColumn('last_access_at', 'bigint')
    .execute();
  await db.schema.createIndex('consents_person').on('consents').columns(['person_id', 'created_at']).execute();
  await db.schema.createIndex('consents_bank').on('consents').columns(['institution_id', 'bank_consent_id']).execute();

  await db.schema
    .createTable('bank_tokens')
    .addColumn('consent_id', 'text', (c) => c.primaryKey())
    .addColumn('refresh_sealed', 'text', (c) => c.notNull())
    .addColumn('access_sealed', 'text')
    .addColumn('access_expires_at', 'bigint')
    .addColumn('dpop_sealed', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('bank_data_cache')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consent_id', 'text', (c) => c.notNull())
    .addColumn('body_sealed', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bank_data_cache_consent').on('bank_data_cache').column('consent_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['bank_data_cache', 'bank_tokens', 'consents', 'link_sessions', 'institutions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
