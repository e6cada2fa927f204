import type { WebhookDelivery, WebhookDeliveryList, WebhookDeliveryQuery, WebhookEventType } from '@parley/protocol';
import { AppError } from '../platform/errors';
import * as deliveries from './delivery.repository';
import { endpointExists } from './endpoint.repository';
import type { WebhooksCore } from './endpoint.service';
import { notifyWebhooks } from './outbox.service';
import { retryWindowMs } from './retry.schedule';

function toDelivery(row: deliveries.DeliveryListRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    endpointId: row.endpoint_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastResponseExcerpt: row.last_response,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}

/** The business's deliveries, newest first; filtering by another business's endpoint is a 404. */
export async function listDeliveries(core: WebhooksCore, businessId: string, query: WebhookDeliveryQuery): Promise<WebhookDeliveryList> {
  const { db } = core.ctx;
  if (query.endpointId !== undefined && !(await endpointExists(db, businessId, query.endpointId))) throw new AppError('ERR_NOT_FOUND');
  const limit = query.limit ?? 50;
  const rows = await deliveries.listDeliveries(db, { businessId, status: query.status, endpointId: query.endpointId, before: query.before, limit });
  return { deliveries: rows.slice(0, limit).map(toDelivery), hasMore: rows.length > limit };
}

/**
 * Send a delivery again now, whatever its status (dead ones above all), with a fresh retry
 * schedule of 3 days. The body and `webhook-id` are the original ones, so a receiver that
 * dedupes by id can tell a replay of what it already processed.
 */
export async function replayDelivery(core: WebhooksCore, target: { businessId: string; deliveryId: string }): Promise<WebhookDelivery> {
  const { ctx } = core;
  if (!(await deliveries.findDelivery(ctx.db, target.businessId, target.deliveryId))) throw new AppError('ERR_NOT_FOUND');
  const now = ctx.clock.now();
  const requeued = await deliveries.requeueDelivery(ctx.db, { businessId: target.businessId, deliveryId: target.deliveryId, now, giveUpAt: now + retryWindowMs });
  if (!requeued) throw new AppError('ERR_CONFLICT', { message: 'The endpoint of this delivery was deleted.' });
  notifyWebhooks(ctx);
  const row = await deliveries.findDelivery(ctx.db, target.businessId, target.deliveryId);
  if (!row) throw new AppError('ERR_NOT_FOUND');
  return toDelivery(row);
}
