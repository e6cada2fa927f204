import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';

/**
 * Seals webhook signing secrets at rest. Parley must keep them readable (HMAC needs the secret
 * itself), so they are encrypted with AES-256-GCM under a key derived from the master key, with
 * the endpoint id as associated data: a sealed secret copied onto another endpoint's row does
 * not open. (The key ring of a later issue replaces `loadMasterKey` behind the same calls.)
 */
export interface SecretBox {
  seal(endpointId: string, secret: string): string;
  /** Throws when the box was sealed under another key or for another endpoint. */
  open(endpointId: string, sealed: string): string;
}

const version = 'v1';
const ivBytes = 12;
const tagBytes = 16;
export const masterKeyFile = 'master.key';

/**
 * The master key: PARLEY_MASTER_KEY when set (required for a fleet: every node must hold the
 * same key), else `DATA_DIR/master.key`, made with mode 0600 on first start.
 */
export function loadMasterKey(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  const file = path.join(config.dataDir, masterKeyFile);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Made by an earlier start (or a racing process): use that one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users; run \`chmod 600 ${file}\`.`);
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key.`);
  return key;
}

/** A box whose key is derived (HKDF-SHA256) from the master key for this one purpose. */
export function createSecretBox(masterKey: Buffer): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'parley webhook signing secrets', 32));
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
