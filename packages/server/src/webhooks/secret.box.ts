import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// The master key now lives in the privacy key ring; re-exported for what imported it from here.
export { loadMasterKey, masterKeyFile } from '../privacy';

/**
 * Seals webhook signing secrets at rest. Parley must keep them readable (HMAC needs the secret
 * itself), so they are encrypted with AES-256-GCM under a key derived from the master key, with
 * the endpoint id as associated data: a sealed secret copied onto another endpoint's row does
 * not open.
 */
export interface SecretBox {
  seal(endpointId: string, secret: string): string;
  /** Throws when the box was sealed under another key or for another endpoint. */
  open(endpointId: string, sealed: string): string;
}

const version = 'v1';
const ivBytes = 12;
const tagBytes = 16;

/**
 * The box key (HKDF-SHA256 of the master key, for this one purpose). The key ring keeps it as
 * the `webhooks` service key, so it survives master key rotation (see docs/privacy.md).
 */
export function webhookSecretsKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'parley webhook signing secrets', 32));
}

/** A box whose key is derived (HKDF-SHA256) from the master key for this one purpose. */
export function createSecretBox(masterKey: Buffer): SecretBox {
  return createSecretBoxFromKey(webhookSecretsKey(masterKey));
}

/** A box on a key already derived (see webhookSecretsKey). */
export function createSecretBoxFromKey(key: Buffer): SecretBox {
  return {
    seal(endpointId, secret) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(endpointId));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${version}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(endpointId, sealed) {
      const [tag, encoded] = sealed.split('.');
      if (tag !== version || !encoded) throw new Error('Unknown sealed-secret format.');
      const raw = Buffer.from(encoded, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(raw.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
    },
  };
}
