import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEvent } from '@parley/protocol';

/** Why a webhook was refused. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_secret'
  | 'no_matching_signature'
  | 'invalid_payload';

/**
 * Thrown by `verifyWebhook` when a request must not be trusted. Answer it with a 4xx and do
 * not act on the body; `reason` says why (log it, do not echo it to the caller).
 */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/**
 * Request headers as the common servers hand them over: Node's `IncomingHttpHeaders`
 * (`req.headers` in node:http, Express, Fastify) or a fetch `Headers` object.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, either way; default 300 s. */
  readonly toleranceSeconds?: number;
  /** The current time in ms since the epoch; default `Date.now()`. */
  readonly now?: number;
}

const secretPrefix = 'whsec_';

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
  if (key.length < 16) throw new WebhookVerificationError('invalid_secret', 'A webhook secret is empty or too short; use the whsec_… value Parley gave you.');
  return key;
}

function checkTimestamp(raw: string, options: VerifyWebhookOptions): void {
  if (!/^\d{1,15}$/.test(raw)) throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a number of seconds.');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const sent = Number(raw);
  if (now - sent > tolerance) throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old; this may be a replay.');
  if (sent - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future.');
}

/** The `v1` signatures of the header, decoded; other schemes (`v1a`) are skipped. */
function v1Signatures(value: string): Buffer[] {
  return value
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, signature]) => version === 'v1' && signature)
    .map(([, signature]) => Buffer.from(signature as string, 'base64'));
}

function parseEvent(body: string): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The body is signed but is not JSON.');
  }
  const event = parsed as { type?: unknown; timestamp?: unknown; data?: unknown } | null;
  if (!event || typeof event.type !== 'string' || typeof event.timestamp !== 'string' || typeof event.data !== 'object' || event.data === null) {
    throw new WebhookVerificationError('invalid_payload', 'The body is signed but is not a Parley event envelope.');
  }
  return parsed as WebhookEvent;
}

/**
 * Verify a webhook from Parley as the Standard Webhooks spec says — HMAC-SHA256 over
 * `webhook-id.webhook-timestamp.body`, compared in constant time, timestamp within tolerance —
 * and return the parsed event. Pass the body exactly as received (do not parse and re-serialize
 * it), and every secret that may be live: during a rotation, the old and the new one.
 *
 * Use `webhook-id` (the same on every retry) to process each event once.
 *
 * @throws {WebhookVerificationError} on missing headers, a timestamp out of tolerance, or no
 * signature matching any secret.
 *
 * @example
 * import { verifyWebhook, WebhookVerificationError } from '@parley/sdk';
 *
 * const event = verifyWebhook(req.headers, rawBody, [process.env.PARLEY_WEBHOOK_SECRET!]);
 * if (event.type === 'message.created') {
 *   console.log(event.data.bsid, event.data.message.content);
 * }
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are all required.');
  }
  checkTimestamp(timestamp, options);
  const keys = (typeof secrets === 'string' ? [secrets] : secrets).map(secretKey);
  if (keys.length === 0) throw new WebhookVerificationError('invalid_secret', 'Pass at least one webhook secret.');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const presented = v1Signatures(signature);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  const matches = keys.some((key) => {
    const expected = createHmac('sha256', key).update(signed).digest();
    return presented.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  });
  if (!matches) throw new WebhookVerificationError('no_matching_signature', 'No signature matches any of the secrets.');
  return parseEvent(body.toString('utf8'));
}
