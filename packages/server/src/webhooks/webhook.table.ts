import type { Generated, Insertable, Selectable } from 'kysely';
import type { WebhookDeliveryStatus, WebhookEventType } from '@parley/protocol';

export interface WebhookEndpointsTable {
  id: string;
  business_id: string;
  url: string;
  /** Space-separated WebhookEventType values. */
  event_types: string;
  /** The signing secret, sealed with AES-256-GCM (see secret.box.ts); AAD is the endpoint id. */
  secret_box: string;
  /** After a rotation, the old secret, which keeps signing until `previous_secret_expires_at`. */
  previous_secret_box: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  /** Deleted endpoints stay for the delivery history; they get nothing new and their secrets are wiped. */
  deleted_at: number | null;
  /** Which side of a handover the endpoint serves: it gets messages while its side owns the thread, `standby` otherwise. */
  role: Generated<'bot' | 'inbox'>;
  /** `standard` (Standard Webhooks) or `messenger` (Messenger-shaped bodies, X-Hub-Signature-256); see docs/messenger.md. */
  mode: Generated<'standard' | 'messenger'>;
}
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export interface WebhookEventsTable {
  /** `msg_…`, sortable by time; sent as `webhook-id`, the same on every attempt. */
  id: string;
  business_id: string;
  type: WebhookEventType;
  /** The exact body sent, every time: the JSON envelope `{type, timestamp, data}`. */
  payload: string;
  created_at: number;
}
export type WebhookEventRow = Selectable<WebhookEventsTable>;
export type NewWebhookEvent = Insertable<WebhookEventsTable>;

export interface WebhookDeliveriesTable {
  /** `dlv_…`, sortable by time. */
  id: string;
  event_id: string;
  endpoint_id: string;
  business_id: string;
  status: WebhookDeliveryStatus;
  /** Attempts made, ever (a replay does not reset it). */
  attempts: number;
  /** Position in the retry schedule; a replay starts it over. */
  retry_step: number;
  next_attempt_at: number;
  /** After a failed attempt at or past this time the delivery is dead. */
  give_up_at: number;
  /** A dispatcher holds the row until then (it is posting it); null when nobody does. */
  locked_until: number | null;
  /** Which claim holds the row; results of an older claim are dropped. */
  lease_token: string | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  last_response: string | null;
  delivered_at: number | null;
  created_at: number;
}
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type NewWebhookDelivery = Insertable<WebhookDeliveriesTable>;

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
