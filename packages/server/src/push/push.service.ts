import type { PushDevice, PushPayload, PushSubscriptionBody } from '@parley/protocol';
import type { ServerContext } from '../context';
import type { Db } from '../database';
import { AppError, isAppError } from '../platform/errors';
import { dataKeyOf, seal } from '../privacy';
import { checkEndpointUrl } from '../webhooks';
import * as push from './push.repository';
import type { PushSubscriptionRow } from './push.table';

/** How long a notification is worth delivering when the caller gives no expiry. */
export const defaultPushTtlMs = 24 * 60 * 60 * 1000;

function toDevice(row: PushSubscriptionRow): PushDevice {
  return { id: row.id, deviceName: row.device_name, createdAt: row.created_at, lastDeliveredAt: row.last_delivered_at };
}

export const payloadAad = (rowId: string, personId: string) => ({ table: 'push_outbox', rowId, owner: `person:${personId}` });

/**
 * Keep a device's subscription. The endpoint must be https on the public internet (the push
 * service of the person's browser) unless the operator allows private targets for development —
 * Parley will POST to it, so it gets the same SSRF checks as a webhook URL.
 */
export async function subscribe(ctx: ServerContext, personId: string, body: PushSubscriptionBody, userAgent: string | undefined): Promise<PushDevice> {
  let endpoint: URL;
  try {
    endpoint = await checkEndpointUrl(body.endpoint, { allowPrivate: ctx.config.webhookAllowPrivate === true });
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError('ERR_PUSH_ENDPOINT_FORBIDDEN', { message: 'A push endpoint must be an https URL of a push service on the public internet.' });
  }
  const row = await push.upsertSubscription(ctx.db, {
    id: ctx.random.uuid(),
    person_id: personId,
    endpoint: endpoint.href,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
    device_name: body.deviceName ?? deviceNameOf(userAgent),
    created_at: ctx.clock.now(),
    last_delivered_at: null,
  });
  return toDevice(row);
}

/** A name the person recognises in their device list, from the browser's own description. */
function deviceNameOf(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'A browser';
  const system = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : null;
  return system ? `${browser} on ${system}` : browser;
}

export async function listDevices(ctx: ServerContext, personId: string): Promise<PushDevice[]> {
  return (await push.listSubscriptions(ctx.db, personId)).map(toDevice);
}

export async function unsubscribe(ctx: ServerContext, personId: string, deviceId: string): Promise<void> {
  if (!(await push.deleteSubscription(ctx.db, { personId, id: deviceId }))) throw new AppError('ERR_NOT_FOUND');
}

/** What a domain asks Web Push to deliver; see `notifyPerson` in index.ts. */
export interface PushRequest {
  readonly personId: string;
  /** The same id twice (a retried alert) owes each device one notification. */
  readonly dedupeId: string;
  readonly title: string;
  readonly body: string;
  /** Where a tap on the notification opens Parley, e.g. `/app/c/<conversationId>`. */
  readonly url: string;
  /** Not worth showing after this (ms since epoch); default a day from now. */
  readonly expiresAt?: number;
}

/**
 * Owe a notification to each of the person's devices. The payload is sealed under the person's
 * data key, so erasing the person erases what was waiting for them. Returns the rows added.
 */
export async function enqueuePush(ctx: ServerContext, request: PushRequest, db: Db = ctx.db): Promise<number> {
  const devices = await push.listSubscriptions(db, request.personId);
  if (devices.length === 0) return 0;
  const now = ctx.clock.now();
  const payload: PushPayload = { title: request.title.slice(0, 120), body: request.body.slice(0, 400), url: request.url, tag: request.dedupeId.slice(0, 200) };
  const keyId = await dataKeyOf(ctx, { kind: 'person', id: request.personId });
  const rows = [];
  for (const device of devices) {
    const id = ctx.random.uuid();
    rows.push({
      id,
      person_id: request.personId,
      subscription_id: device.id,
      dedupe_id: request.dedupeId,
      payload_sealed: await seal(ctx, { keyId, aad: payloadAad(id, request.personId) }, JSON.stringify(payload)),
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      expires_at: request.expiresAt ?? now + defaultPushTtlMs,
      locked_until: null,
      lease_token: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    });
  }
  return push.enqueue(db, rows);
}
