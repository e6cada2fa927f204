/** A device of a person that asked for notifications: the browser's push subscription. */
export interface PushSubscriptionsTable {
  id: string;
  person_id: string;
  /** The push service URL the browser gave; unique, since a browser re-subscribing gets it again. */
  endpoint: string;
  /** The device's P-256 public key and auth secret (base64url), which payloads are encrypted to. */
  p256dh: string;
  auth: string;
  device_name: string;
  created_at: number;
  last_delivered_at: number | null;
}

export type PushStatus = 'pending' | 'sent' | 'skipped' | 'dead';

/**
 * One notification owed to one device. Written when the alert is accepted, so a crash before
 * delivery loses nothing; `(dedupe_id, subscription_id)` is unique, so a repeat is a no-op.
 */
export interface PushOutboxTable {
  id: string;
  person_id: string;
  subscription_id: string;
  dedupe_id: string;
  /** The PushPayload as JSON, sealed under the person's data key (account deletion shreds it). */
  payload_sealed: string;
  status: PushStatus;
  attempts: number;
  next_attempt_at: number;
  /** Not delivered by then (the alert expired) → dead; the push service gets the rest as TTL. */
  expires_at: number;
  locked_until: number | null;
  lease_token: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** Parley's VAPID key pair, made on first start; the private key sealed under the `push` service key. */
export interface PushVapidTable {
  id: string;
  public_key: string;
  private_sealed: string;
  created_at: number;
}

export interface PushTables {
  push_subscriptions: PushSubscriptionsTable;
  push_outbox: PushOutboxTable;
  push_vapid: PushVapidTable;
}

export type PushSubscriptionRow = PushSubscriptionsTable;
export type PushOutboxRow = PushOutboxTable;
