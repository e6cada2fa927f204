import { webhookEventData, type WebhookEventData, type WebhookEventType } from '@parley/protocol';
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { findSubscribers, inTransaction, insertOutbox, type SubscriberRow } from './outbox.repository';
import { sealPayload, type PersonPayloadKeys } from './payload.box';
import { retryWindowMs } from './retry.schedule';
import { sortableId } from './webhook.ids';
import type { NewWebhookDelivery, NewWebhookEvent } from './webhook.table';

/** One event to send to a business's endpoints, typed by its `type`. */
export type WebhookEventInput = {
  [T in WebhookEventType]: {
    readonly businessId: string;
    readonly type: T;
    readonly data: WebhookEventData<T>;
    /** Only endpoints serving this side of a handover receive it; every subscribed endpoint when absent. */
    readonly audience?: 'bot' | 'inbox';
    /** Whose words the event carries: its stored payload is sealed under their data key (never sent). */
    readonly personId?: string;
  };
}[WebhookEventType];

/** What recording needs: time, randomness and the key ring that seals payloads (the database is the caller's transaction). */
export type OutboxContext = Pick<ServerContext, 'clock' | 'random'> & Partial<Pick<ServerContext, 'keys'>>;

export interface RecordedEvent {
  /** Null when no endpoint receives the event: then nothing at all is written. */
  readonly eventId: string | null;
  /** One per endpoint that will receive it; empty when no endpoint subscribes. */
  readonly deliveryIds: readonly string[];
}

/** Bus topic on which recorders wake the dispatchers (of every node, once the bus is NATS). */
export const outboxTopic = 'webhooks.outbox';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => uuidPattern.test(value));
const checkers = new Map<string, TypeCheck<TSchema>>(
  Object.entries(webhookEventData).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
);

/** The schemas are closed: a field that is not in the contract (a global person id) cannot slip in. */
function assertMatchesContract(event: WebhookEventInput): void {
  const checker = checkers.get(event.type);
  // The compiled check is cheap; the error walk runs only for a broken event.
  if (checker?.Check(event.data)) return;
  const error = checker ? checker.Errors(event.data).First() : { path: '/type', message: 'unknown event type' };
  if (error) throw new Error(`webhook event ${event.type} breaks its schema at ${error.path || '/'}: ${error.message}`);
}

function receivers(event: WebhookEventInput, subscribers: readonly SubscriberRow[]): SubscriberRow[] {
  const own = subscribers.filter((s) => s.business_id === event.businessId);
  // A test event goes to the one endpoint it was asked for, whatever that endpoint subscribes to.
  if (event.type === 'webhook.test') return own.filter((s) => s.id === event.data.endpointId);
  return own.filter((s) => (event.audience === undefined || s.role === event.audience) && s.event_types.split(' ').includes(event.type));
}

/**
 * Write events to the outbox inside the caller's transaction — the same one as the change that
 * caused them — with one delivery row per live endpoint of the business that subscribes to the
 * type (and serves the event's `audience`, if it has one). An event no endpoint receives is not
 * written: a bank that registers an endpoint later gets only later events. Nothing is sent here: once the transaction commits, the dispatcher delivers (within its
 * poll interval, or at once after `notifyWebhooks(ctx)`).
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await insertMessages(trx, rows);
 *   await recordEvents(trx, ctx, [{ businessId, type: 'message.created', data: { bsid, conversationId, message } }]);
 * });
 * notifyWebhooks(ctx);
 */
export async function recordEvents(
  trx: Db,
  ctx: OutboxContext,
  events: readonly WebhookEventInput[],
  options: { personKeys?: PersonPayloadKeys | undefined } = {},
): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  events.forEach(assertMatchesContract);
  const now = ctx.clock.now();
  const subscribers = await findSubscribers(trx, [...new Set(events.map((e) => e.businessId))]);
  const eventRows: NewWebhookEvent[] = [];
  const deliveryRows: NewWebhookDelivery[] = [];
  const recorded = events.map((event): RecordedEvent => {
    const endpoints = receivers(event, subscribers);
    // Nobody listens: no row at all, so a business without endpoints costs the hot path nothing.
    if (endpoints.length === 0) return { eventId: null, deliveryIds: [] };
    const eventId = sortableId('msg', now, ctx.random);
    const plain = JSON.stringify({ type: event.type, timestamp: new Date(now).toISOString(), data: event.data });
    const payload = sealPayload(ctx, { eventId, businessId: event.businessId, personId: event.personId, personKeys: options.personKeys }, plain);
    eventRows.push({ id: eventId, business_id: event.businessId, type: event.type, payload, created_at: now });
    const deliveryIds = endpoints.map((endpoint) => {
      const id = sortableId('dlv', now, ctx.random);
      deliveryRows.push({
        id,
        event_id: eventId,
        endpoint_id: endpoint.id,
        business_id: event.businessId,
        status: 'pending',
        attempts: 0,
        retry_step: 0,
        next_attempt_at: now,
        give_up_at: now + retryWindowMs,
        created_at: now,
      });
      return id;
    });
    return { eventId, deliveryIds };
  });
  if (eventRows.length > 0) await insertOutbox(trx, { events: eventRows, deliveries: deliveryRows });
  return recorded;
}

/** Wake the dispatchers now rather than at their next poll; call it after the transaction commits. */
export function notifyWebhooks(ctx: Pick<ServerContext, 'bus'>): void {
  ctx.bus.publish(outboxTopic, null);
}

/** `recordEvents` for a caller without a transaction: one of its own, then a wake-up. */
export async function recordEvent(ctx: OutboxContext & Pick<ServerContext, 'db' | 'bus'>, event: WebhookEventInput): Promise<RecordedEvent> {
  const [recorded] = await inTransaction(ctx.db, (trx) => recordEvents(trx, ctx, [event]));
  notifyWebhooks(ctx);
  if (!recorded) throw new Error('recordEvents returned nothing for one event');
  return recorded;
}
