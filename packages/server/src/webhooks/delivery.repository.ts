import type { WebhookDeliveryStatus } from '@parley/protocol';
import type { Db } from '../database';
import type { Dialect } from '../platform/db/database';
import { claimLeased } from '../platform/db/leased-claim';
import { cachedStatement, forEachChunk, runStatement, valuesList } from '../platform/db/values-list';
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
  const text = cachedStatement(`claimed-deliveries:${dialect}:${claimed.length}`, () => {
    const marks = claimed.map((_, i) => (dialect === 'postgres' ? `$${i + 2}` : '?')).join(', ');
    return (
      'select d.id, d.event_id, d.endpoint_id, d.retry_step, d.give_up_at, d.lease_token, d.business_id, e.payload, ' +
      'p.url, p.secret_box, p.previous_secret_box, p.previous_secret_expires_at, p.mode ' +
      'from webhook_deliveries d join webhook_events e on e.id = d.event_id join webhook_endpoints p on p.id = d.endpoint_id ' +
      `where d.lease_token = ${dialect === 'postgres' ? '$1' : '?'} and d.id in (${marks}) order by d.next_attempt_at`
    );
  });
  return runStatement<ClaimedDelivery>(db, text, [claim.token, ...claimed]);
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

/** Per attempt: id, token, at, status, statusCode, error, response, nextAttemptAt, retryStep. */
const attemptTypes = ['text', 'text', 'bigint', 'text', 'int', 'text', 'text', 'bigint', 'int'] as const;

/**
 * What several attempts got, in one statement (one transaction): a commit per delivery (an
 * fsync each on SQLite) held delivery to about a thousand a second, and a statement per delivery
 * was a tenth of the dispatcher's time. Delivered sets `delivered_at`; pending (a retry) sets
 * when and which step; dead only the status.
 */
export async function recordAttempts(db: Db, dialect: Dialect, attempts: readonly AttemptResult[]): Promise<void> {
  const params: (string | number | null)[] = [];
  for (const attempt of attempts) {
    const status = typeof attempt.next === 'number' ? 'pending' : attempt.next;
    const nextAttemptAt = typeof attempt.next === 'number' ? attempt.next : null;
    params.push(attempt.id, attempt.token, attempt.at, status, attempt.statusCode, attempt.error, attempt.response, nextAttemptAt, attempt.step);
  }
  await forEachChunk(params, attemptTypes.length, async (chunk) => {
    const text = cachedStatement(`record-attempts:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / attemptTypes.length, attemptTypes);
      const d = 'webhook_deliveries';
      return (
        `update ${d} set status = v.column4, attempts = ${d}.attempts + 1, last_attempt_at = v.column3, ` +
        `last_status_code = v.column5, last_error = v.column6, last_response = v.column7, locked_until = null, lease_token = null, ` +
        `delivered_at = case when v.column4 = 'delivered' then v.column3 else ${d}.delivered_at end, ` +
        `next_attempt_at = case when v.column4 = 'pending' then v.column8 else ${d}.next_attempt_at end, ` +
        `retry_step = case when v.column4 = 'pending' then v.column9 else ${d}.retry_step end ` +
        `from (values ${values}) as v where ${d}.id = v.column1 and ${d}.lease_token = v.column2`
      );
    });
    await runStatement(db, text, chunk);
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
