import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp } from './schema';

/**
 * Web Push (RFC 8030 + VAPID RFC 8292 + payload encryption RFC 8291): when a person has no
 * open socket, an alert reaches their subscribed devices as a notification. Parley sends the
 * push service only ciphertext it encrypted to the device's key.
 */

// Lengths live in the patterns, not beside them: a generator (the HTTP fuzz test, a client's form
// library) then makes strings that fit both instead of filtering for the rare one that does.
const base64url = (minLength: number, maxLength: number) => Type.String({ pattern: `^[A-Za-z0-9_-]{${minLength},${maxLength}}$` });

/** `GET /v1/push/key`: Parley's VAPID public key, the `applicationServerKey` of `pushManager.subscribe()`. */
export const PushKey = Type.Object(
  { publicKey: base64url(80, 100) },
  { examples: [{ publicKey: 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U' }] },
);
export type PushKey = Static<typeof PushKey>;

/**
 * `POST /v1/push/subscriptions`: what `PushSubscription.toJSON()` gives, plus a name for the
 * device. The endpoint is the browser vendor's push service: https, on the public internet.
 */
export const PushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ pattern: '^https?://[^\\s]{4,2040}$' }),
    expirationTime: Type.Optional(Type.Union([Type.Null(), Type.Number()])),
    keys: Type.Object(
      {
        /** The device's P-256 public key, uncompressed (65 bytes), base64url. */
        p256dh: base64url(86, 88),
        /** The 16-byte authentication secret, base64url. */
        auth: base64url(16, 24),
      },
      { additionalProperties: false },
    ),
    deviceName: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        endpoint: 'https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O-byuxb_wJsKRaKvV_iKw56s16ekq6FUqoCF7k2nICUpd8fHPxVTgqLunFeVeB9lLCQZyohyAztTH8ZQL9WCxKpA6dvTG_TUIhQUFq_n',
        keys: { p256dh: 'BLQELIDm-6b9Bl07YrEuXJ4BL_YBVQ0dvt9NQGGJxIQidJWHPNa9YrouvcQ9d7_MqzvGS9Alz60SZNCG3qfpk5Q', auth: '4vQK-SvRAN5eo-8ASlrwA' },
        deviceName: 'Chrome on Android',
      },
    ],
  },
);
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

/** One subscribed device, as the person sees it (never the endpoint or keys). */
export const PushDevice = Type.Object({
  id: Id,
  deviceName: Type.String(),
  createdAt: Timestamp,
  lastDeliveredAt: Type.Union([Timestamp, Type.Null()]),
});
export type PushDevice = Static<typeof PushDevice>;

export const PushDeviceList = Type.Object({ devices: Type.Array(PushDevice) });
export type PushDeviceList = Static<typeof PushDeviceList>;

export const PushDeviceParams = Type.Object({ deviceId: Id });
export type PushDeviceParams = Static<typeof PushDeviceParams>;

/**
 * What the service worker's `push` event carries (decrypted by the browser): a notification to
 * show unless one of Parley's windows is visible. `tag` is the alert id, so a second delivery of
 * the same alert replaces the first notification instead of adding one.
 */
export const PushPayload = Type.Object({
  title: Type.String({ maxLength: 120 }),
  body: Type.String({ maxLength: 400 }),
  url: Type.String({ maxLength: 500 }),
  tag: Type.String({ maxLength: 200 }),
});
export type PushPayload = Static<typeof PushPayload>;
