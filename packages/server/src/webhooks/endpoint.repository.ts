import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { WebhookEndpointRow, WebhookEndpointsTable } from './webhook.table';

export async function insertEndpoint(db: Db, row: Insertable<WebhookEndpointsTable>): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

/** Live endpoints of the business, oldest first. */
export async function listEndpoints(db: Db, businessId: string): Promise<WebhookEndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('business_id', '=', businessId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** A live endpoint of this business; undefined when it is deleted, unknown or another business's. */
export async function findEndpoint(db: Db, businessId: string, endpointId: string): Promise<WebhookEndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', endpointId)
    .where('business_id', '=', businessId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Any endpoint of this business, deleted ones too (for the delivery history). */
export async function endpointExists(db: Db, businessId: string, endpointId: string): Promise<boolean> {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', '=', endpointId)
    .where('business_id', '=', businessId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Put a new secret in place; the current one (`previousBox`) keeps signing until `previousExpiresAt`. */
export async function rotateSecret(
  db: Db,
  change: { businessId: string; endpointId: string; secretBox: string; previousBox: string; previousExpiresAt: number },
): Promise<boolean> {
  // Only if the current secret is still the one read: two rotations at once cannot both win.
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ secret_box: change.secretBox, previous_secret_box: change.previousBox, previous_secret_expires_at: change.previousExpiresAt })
    .where('id', '=', change.endpointId)
    .where('business_id', '=', change.businessId)
    .where('secret_box', '=', change.previousBox)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Delete an endpoint: its secrets are wiped, deliveries still pending for it end as dead
 * ("endpoint deleted"), and the row stays so the delivery history still names it.
 */
export async function deleteEndpoint(db: Db, target: { businessId: string; endpointId: string; at: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('webhook_endpoints')
      .set({ deleted_at: target.at, secret_box: '', previous_secret_box: null, previous_secret_expires_at: null })
      .where('id', '=', target.endpointId)
      .where('business_id', '=', target.businessId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return false;
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'dead', last_error: 'The endpoint was deleted.', locked_until: null, lease_token: null })
      .where('endpoint_id', '=', target.endpointId)
      .where('status', '=', 'pending')
      .execute();
    return true;
  });
}
