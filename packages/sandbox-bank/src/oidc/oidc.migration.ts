import type { Kysely, Migration } from 'kysely';

export const oidcMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('oidc_models')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('user_code', 'text')
      .addColumn('uid', 'text')
      .addColumn('expires_at', 'integer')
      .addColumn('consumed_at', 'integer')
      .addPrimaryKeyConstraint('oidc_models_pk', ['kind', 'id'])
      .execute();
    await db.schema.createIndex('oidc_models_by_grant').on('oidc_models').column('grant_id').execute();
    await db.schema.createIndex('oidc_models_by_uid').on('oidc_models').columns(['kind', 'uid']).execute();
    await db.schema.createIndex('oidc_models_by_user_code').on('oidc_models').columns(['kind', 'user_code']).execute();
    await db.schema
      .createTable('oidc_consent_grants')
      .addColumn('grant_id', 'text', (c) => c.primaryKey())
      .addColumn('consent_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oidc_consent_grants_by_consent').on('oidc_consent_grants').column('consent_id').execute();
    await db.schema
      .createTable('oidc_revoked_access_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('consent_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
  },
};
