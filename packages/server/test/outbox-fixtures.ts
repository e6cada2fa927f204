import type { WebhookEvent, WebhookEventType } from '@parley/protocol';
import type { Db } from '../src/database';
import { cryptoRandom, systemClock } from '../src/platform/clock';
import { KeyRing } from '../src/privacy';
import { openPayloads } from '../src/webhooks/payload.box';
import type { TestApp } from './context';

/**
 * The events of a business's outbox as recorded, oldest first. Payloads are sealed at rest
 * (docs/privacy.md), so they are opened with the store's key file, as the dispatcher opens them.
 */
export async function outboxEvents<Event = WebhookEvent>(t: TestApp, db: Db, filter: { businessId: string; type: WebhookEventType }): Promise<Event[]> {
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id as event_id', 'business_id', 'payload'])
    .where('business_id', '=', filter.businessId)
    .where('type', '=', filter.type)
    .orderBy('id')
    .execute();
  const ctx = { db, dialect: t.config.databaseUrl ? ('postgres' as const) : ('sqlite' as const), clock: systemClock, random: cryptoRandom, keys: new KeyRing(t.config) };
  return (await openPayloads(ctx, rows)).map((row) => {
    if (row.payload === null) throw new Error(`event ${row.event_id} is erased`);
    return JSON.parse(row.payload) as Event;
  });
}
