import { createHmac } from 'node:crypto';
import type { Random } from '../platform/clock';

const secretPrefix = 'whsec_';

/** A new signing secret: `whsec_` + base64 of 32 random bytes, as Standard Webhooks serializes them. */
export function newSigningSecret(random: Random): string {
  return `${secretPrefix}${Buffer.from(random.token(32), 'base64url').toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function signPayload(secret: string, message: { id: string; timestamp: number; body: string }): string {
  const key = Buffer.from(secret.slice(secretPrefix.length), 'base64');
  const mac = createHmac('sha256', key).update(`${message.id}.${message.timestamp}.${message.body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * The `webhook-signature` header: one signature per live secret, space-separated, so during a
 * rotation a receiver holding either secret verifies the request.
 */
export function signatureHeader(secrets: readonly string[], message: { id: string; timestamp: number; body: string }): string {
  return secrets.map((secret) => signPayload(secret, message)).join(' ');
}
