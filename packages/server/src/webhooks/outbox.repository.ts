import type { Insertable } from 'kysely';
import type { Db } from '../database';
import { fixedQuery } from '../platform/db/fixed-query';
import type { WebhookDeliveriesTable, WebhookEventsTable } from './webhook.table';

export interface SubscriberRow {
  id: string;
  business_id: string;
  event_types: string;
  role: 'bot' | 'inbox';
}

/** Live endpoints of these businesses, with what they subscribe to. */
export async function findSubscribers(db: Db, businessIds: readonly string[]): Promise<SubscriberRow[]> {
  // Every group commit asks, nearly always for one or two businesses: a compiled-once query per business.
  const rows: SubscriberRow[] = [];
  for (const businessId of businessIds) rows.push(...(await subscribersOf(db, businessId)));
  return rows;
}

const subscribersOf = fixedQuery((db: Db, businessId: string) =>
  db.selectFrom('webhook_endpoints').select(['id', 'business_id', 'event_types', 'role']).where('business_id', '=', businessId).where('deleted_at', 'is', null),
);

const chunkSize = 500;

/** Insert outbox rows: events first, then their deliveries (in the caller's transaction). */
export async function insertOutbox(
  db: Db,
  rows: { events: Insertable<WebhookEventsTable>[]; deliveries: Insertable<WebhookDeliveriesTable>[] },
): Promise<void> {
  for (let i = 0; i < rows.events.length; i += chunkSize) {
    await db.insertInto('webhook_events').values(rows.events.slice(i, i + chunkSize)).execute();
  }
  for (let i = 0; i < rows.deliveries.length; i += chunkSize) {
    await db.insertInto('webhook_deliveries').values(rows.deliveries.slice(i, i + chunkSize)).execute();
  }
}

/** Run `work` in a transaction of its own (on SQLite, its hand-written statements run at once: platform/db/run-now.ts). */
export { inTransaction } from '../platform/db/run-now';
