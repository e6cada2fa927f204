import type { WebhookDeliveryStatus } from '@parley/protocol';
import type { Db } from '../database';
import type { Dialect } from '../platform/db/database';
import { fixedQuery } from '../platform/db/fixed-query';
import { claimLeased } from '../platform/db/leased-claim';
import type { WebhookDeliveryRow } from './webhook.table';

/** A claimed delivery with what it takes to send it. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  retry_step: number;
  give_up_at: number;
  lease_token: string;
  payload: string;
  url: string;
  secret_box: string;
  previous_secret_box: string | null;
  previous_secret_expires_at: number | null;
  business_id: string;
  mode: 'standard' | 'messenger';
}

/**
 * Take up to `limit` due deliveries for one dispatcher: they are leased to `token` until
 * `leaseUntil`, and nobody else takes them before. On PostgreSQL several nodes claim at once
 * and `FOR UPDATE SKIP LOCKED` keeps them off each other's rows; SQLite has one writer anyway.
 * A lease that runs out (its node died mid-post) makes the row due again: at least once.
 */
export async function claimDue(
  db: Db,
  dialect: Dialect,
  claim: { now: number; limit: number; leaseUntil: number; token: string },
): Promise<ClaimedDelivery[]> {
  const claimed = await claimLeased(db, dialect, 'webhook_deliveries', claim);
  if (claimed.length === 0) return [];
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as p', 'p.id', 'd.endpoint_id')
    .select(['d.id', 'd.event_id', 'd.endpoint_id', 'd.retry_step', 'd.give_up_at', 'e.payload', 'p.url', 'p.secret_box'])
    .select(['p.previous_secret_box', 'p.previous_secret_expires_at', 'd.business_id', 'p.mode'])
    .select((eb) => eb.ref('d.lease_token').$notNull().as('lease_token'))
    .where('d.id', 'in', claimed)
    .where('d.lease_token', '=', claim.token)
    .orderBy('d.next_attempt_at')
    .execute();
}

/** Only one dispatcher runs on SQLite, so on start every lease is a leftover of a dead process. */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ locked_until: null, lease_token: null }).where('lease_token', 'is not', null).execute();
}

export interface AttemptRecord {
  id: string;
  token: string;
  at: number;
  statusCode: number | null;
  error: string | null;
  response: string | null;
}

/**
 * What an attempt got. `next` is when to try again (pending), `'delivered'` or `'dead'`.
 * Dropped when the lease is no longer this claim's (a replay or another node took the row).
 */
export type AttemptResult = AttemptRecord & { next: number | 'delivered' | 'dead'; step: number };

type Outcome = { status: 'delivered'; delivered_at: number } | { status: 'dead' } | { status: 'pending'; next_attempt_at: number; retry_step: number };

type AttemptArgs = [id: string, token: string, at: number, statusCode: number | null, error: string | null, response: string | null];

/** The update an attempt makes, given its outcome's columns (one of three fixed shapes). */
function attemptUpdate(db: Db, outcome: Outcome, [id, token, at, statusCode, error, response]: AttemptArgs) {
  return db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      ...outcome,
      attempts: eb('attempts', '+', 1),
      last_attempt_at: at,
      last_status_code: statusCode,
      last_error: error,
      last_response: response,
      locked_until: null,
      lease_token: null,
    }))
    .where('id', '=', id)
    .where('lease_token', '=', token);
}

// One per outcome, each compiled once (platform/db/fixed-query.ts): the dispatcher records every attempt.
const recordDelivered = fixedQuery((db: Db, ...args: AttemptArgs) => attemptUpdate(db, { status: 'delivered', delivered_at: args[2] }, args));
const recordDead = fixedQuery((db: Db, ...args: AttemptArgs) => attemptUpdate(db, { status: 'dead' }, args));
const recordRetry = fixedQuery((db: Db, nextAttemptAt: number, step: number, ...args: AttemptArgs) =>
  attemptUpdate(db, { status: 'pending', next_attempt_at: nextAttemptAt, retry_step: step }, args),
);

async function updateOf(db: Db, attempt: AttemptResult): Promise<void> {
  const args: AttemptArgs = [attempt.id, attempt.token, attempt.at, attempt.statusCode, attempt.error, attempt.response];
  if (attempt.next === 'delivered') await recordDelivered(db, ...args);
  else if (attempt.next === 'dead') await recordDead(db, ...args);
  else await recordRetry(db, attempt.next, attempt.step, ...args);
}

/**
 * What several attempts got, in one transaction: a commit per delivery (an fsync each on SQLite)
 * was what held delivery to about a thousand a second, while the posts themselves go much faster.
 */
export async function recordAttempts(db: Db, attempts: readonly AttemptResult[]): Promise<void> {
  if (attempts.length === 0) return;
  if (attempts.length === 1) {
    await updateOf(db, attempts[0] as AttemptResult);
    return;
  }
  await db.transaction().execute(async (trx) => {
    for (const attempt of attempts) await updateOf(trx, attempt);
  });
}

export interface DeliveryListRow extends WebhookDeliveryRow {
  event_type: string;
}

/** Deliveries of the business, newest first, filtered; `limit + 1` rows so the caller knows if there are more. */
export async function listDeliveries(
  db: Db,
  filter: { businessId: string; status?: WebhookDeliveryStatus; endpointId?: string; before?: string; limit: number },
): Promise<DeliveryListRow[]> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.business_id', '=', filter.businessId)
    .$if(filter.status !== undefined, (q) => q.where('d.status', '=', filter.status as WebhookDeliveryStatus))
    .$if(filter.endpointId !== undefined, (q) => q.where('d.endpoint_id', '=', filter.endpointId as string))
    .$if(filter.before !== undefined, (q) => q.where('d.id', '<', filter.before as string))
    .orderBy('d.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

export async function findDelivery(db: Db, businessId: string, deliveryId: string): Promise<DeliveryListRow | undefined> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type')
    .where('d.id', '=', deliveryId)
    .where('d.business_id', '=', businessId)
    .executeTakeFirst();
}

/**
 * Due again now, with a fresh retry schedule and window, whatever its status; any attempt in
 * flight loses its lease (its result is dropped). False when the endpoint is deleted.
 */
export async function requeueDelivery(db: Db, target: { businessId: string; deliveryId: string; now: number; giveUpAt: number }): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: target.now, give_up_at: target.giveUpAt, retry_step: 0, locked_until: null, lease_token: null })
    .where('id', '=', target.deliveryId)
    .where('business_id', '=', target.businessId)
    .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('deleted_at', 'is', null))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Forget events older than `before` that nothing waits on any more (no delivery pending); their
 * deliveries go with them. Events carry message text, so they are not kept forever.
 */
export async function pruneEvents(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('webhook_events')
    .where('created_at', '<', before)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'webhook_events.id').where('d.status', '=', 'pending'))),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
