import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { Dialect } from '../platform/db/database';
import { claimLeased } from '../platform/db/leased-claim';
import type { PushOutboxTable, PushStatus, PushSubscriptionRow, PushVapidTable } from './push.table';
import { fixedQuery } from '../platform/db/fixed-query';

/**
 * Store a device's subscription. A browser that subscribes again gets the same endpoint back:
 * the row is then updated (keys, name) and given to whoever subscribed last on that device.
 */
export async function upsertSubscription(db: Db, row: PushSubscriptionRow): Promise<PushSubscriptionRow> {
  await db
    .insertInto('push_subscriptions')
    .values(row)
    .onConflict((oc) =>
      oc.column('endpoint').doUpdateSet({ person_id: row.person_id, p256dh: row.p256dh, auth: row.auth, device_name: row.device_name }),
    )
    .execute();
  return db.selectFrom('push_subscriptions').selectAll().where('endpoint', '=', row.endpoint).executeTakeFirstOrThrow();
}

// Read for every alert: compiled once (platform/db/fixed-query.ts).
const subscriptionsOf = fixedQuery((db: Db, personId: string) => db.selectFrom('push_subscriptions').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id'));

export async function listSubscriptions(db: Db, personId: string): Promise<PushSubscriptionRow[]> {
  return subscriptionsOf(db, personId);
}

/** Returns false when the person has no such device. */
export async function deleteSubscription(db: Db, where: { personId: string; id: string }): Promise<boolean> {
  const result = await db.deleteFrom('push_subscriptions').where('id', '=', where.id).where('person_id', '=', where.personId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The push service said the subscription is gone (404/410): forget the device and what it was owed. */
export async function forgetSubscription(db: Db, id: string): Promise<void> {
  await db.deleteFrom('push_outbox').where('subscription_id', '=', id).execute();
  await db.deleteFrom('push_subscriptions').where('id', '=', id).execute();
}

/** One row per device; a dedupe id already owed to a device adds nothing. Returns the rows added. */
export async function enqueue(db: Db, rows: Insertable<PushOutboxTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('push_outbox')
    .values(rows)
    .onConflict((oc) => oc.columns(['dedupe_id', 'subscription_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

export interface ClaimedPush {
  id: string;
  person_id: string;
  dedupe_id: string;
  payload_sealed: string;
  attempts: number;
  expires_at: number;
  subscription_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Lease up to `limit` due notifications to `token` (see `claimLeased`), with what it takes to send them. */
export async function claimDue(db: Db, dialect: Dialect, claim: { now: number; limit: number; leaseUntil: number; token: string }): Promise<ClaimedPush[]> {
  const claimed = await claimLeased(db, dialect, 'push_outbox', claim);
  if (claimed.length === 0) return [];
  return db
    .selectFrom('push_outbox as o')
    .innerJoin('push_subscriptions as s', 's.id', 'o.subscription_id')
    .select(['o.id', 'o.person_id', 'o.dedupe_id', 'o.payload_sealed', 'o.attempts', 'o.expires_at', 'o.subscription_id'])
    .select(['s.endpoint', 's.p256dh', 's.auth'])
    .where('o.id', 'in', claimed)
    .where('o.lease_token', '=', claim.token)
    .execute();
}

/** What an attempt came to; dropped when the lease is no longer this claim's. */
export async function settle(
  db: Db,
  outcome: { id: string; token: string; at: number; status: PushStatus; nextAttemptAt?: number; error?: string | null },
): Promise<void> {
  await db
    .updateTable('push_outbox')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', outcome.status === 'skipped' ? 0 : 1),
      next_attempt_at: outcome.nextAttemptAt ?? outcome.at,
      locked_until: null,
      lease_token: null,
      last_error: outcome.error ?? null,
      updated_at: outcome.at,
    }))
    .where('id', '=', outcome.id)
    .where('lease_token', '=', outcome.token)
    .execute();
}

export async function markDelivered(db: Db, subscriptionId: string, at: number): Promise<void> {
  await db.updateTable('push_subscriptions').set({ last_delivered_at: at }).where('id', '=', subscriptionId).execute();
}

/** Only one dispatcher runs on SQLite, so on start every lease is a leftover of a dead process. */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db.updateTable('push_outbox').set({ locked_until: null, lease_token: null }).where('lease_token', 'is not', null).execute();
}

/** Settled rows older than `before` are of no further use. */
export async function deleteSettled(db: Db, before: number): Promise<void> {
  await db.deleteFrom('push_outbox').where('status', '!=', 'pending').where('updated_at', '<', before).execute();
}

export async function findVapid(db: Db): Promise<PushVapidTable | undefined> {
  return db.selectFrom('push_vapid').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function insertVapid(db: Db, row: PushVapidTable): Promise<void> {
  await db.insertInto('push_vapid').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** The earliest time a pending row is due, to sleep until then. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await db.selectFrom('push_outbox').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'pending').executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
