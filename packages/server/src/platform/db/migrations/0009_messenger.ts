import type { Kysely } from 'kysely';

/**
 * Messenger compatibility: a webhook endpoint is `standard` (Standard Webhooks bodies and
 * signatures) or `messenger` (Messenger-shaped bodies, signed with X-Hub-Signature-256).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').addColumn('mode', 'text', (c) => c.notNull().defaultTo('standard')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').dropColumn('mode').execute();
}
