import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../context';
import { AppError, isAppError } from '../platform/errors';
import * as dataKeys from './data-key.repository';
import { gcmOpen, gcmSeal } from './master-key.ring';
import type { DataKeyOwnerKind, DataKeyRow } from './privacy.table';

/** What the privacy services need; the CLI builds one without a server. */
export type PrivacyContext = Pick<ServerContext, 'db' | 'dialect' | 'clock' | 'random' | 'keys'> & {
  /** When present, destructions are announced on it so every node's cache forgets the keys at once. */
  readonly bus?: ServerContext['bus'];
};

export interface DataKeyOwner {
  readonly kind: DataKeyOwnerKind;
  readonly id: string;
}

/**
 * Where a sealed value lives, bound into the AES-GCM associated data: a ciphertext copied to
 * another table, row or owner does not open there.
 */
export interface SealAad {
  readonly table: string;
  readonly rowId: string;
  /** Whose it is, e.g. `person:<id>` or `consent:<id>`. */
  readonly owner: string;
}

export const sealPrefix = 'pk1';

export function wrapAad(row: Pick<DataKeyRow, 'id' | 'owner_kind' | 'owner_id'>): string {
  return `parley data key\0${row.id}\0${row.owner_kind}\0${row.owner_id}`;
}

export function sealAad(keyId: string, aad: SealAad): Buffer {
  return Buffer.from(JSON.stringify(['parley seal', keyId, aad.table, aad.rowId, aad.owner]));
}

/** Make a fresh random 256-bit data key for an owner; only its wrapped form is stored. Returns its id. */
export async function createDataKey(ctx: PrivacyContext, owner: DataKeyOwner): Promise<string> {
  return insertKey(ctx, owner, randomBytes(32));
}

async function insertKey(ctx: PrivacyContext, owner: DataKeyOwner, key: Buffer): Promise<string> {
  const id = ctx.random.uuid();
  await ctx.keys.trackWrite(async () => {
    const { wrapped, masterKeyId } = ctx.keys.wrap(key, wrapAad({ id, owner_kind: owner.kind, owner_id: owner.id }));
    await dataKeys.insertDataKey(ctx.db, {
      id,
      owner_kind: owner.kind,
      owner_id: owner.id,
      wrapped_key: wrapped,
      master_key_id: masterKeyId,
      created_at: ctx.clock.now(),
      destroyed_at: null,
    });
  });
  ctx.keys.dataKeys.set(id, Buffer.from(key));
  return id;
}

/** The owner's live data key, made on first use. */
export async function dataKeyOf(ctx: PrivacyContext, owner: DataKeyOwner): Promise<string> {
  const row = await dataKeys.findLiveKeyOfOwner(ctx.db, owner);
  return row ? row.id : createDataKey(ctx, owner);
}

export async function unwrapped(ctx: PrivacyContext, keyId: string): Promise<Buffer> {
  const cached = ctx.keys.dataKeys.get(keyId);
  if (cached) return cached;
  // Twice at most: a rotation may re-wrap the row and retire its master key between our read and our unwrap.
  for (let attempt = 0; ; attempt++) {
    const row = await dataKeys.findDataKey(ctx.db, keyId);
    if (!row || row.destroyed_at !== null || !row.wrapped_key || !row.master_key_id) throw new AppError('ERR_DATA_KEY_DESTROYED');
    try {
      const key = ctx.keys.unwrap(row.wrapped_key, row.master_key_id, wrapAad(row));
      ctx.keys.dataKeys.set(keyId, key);
      return key;
    } catch (error) {
      if (attempt > 0 || !isAppError(error) || error.code !== 'ERR_MASTER_KEY_MISSING') throw error;
    }
  }
}

/**
 * Encrypt with a data key (AES-256-GCM, random 96-bit nonce), binding the ciphertext to where
 * it is stored. The result names its key: `pk1.<keyId>.<base64url>`.
 *
 * @example
 * const keyId = await dataKeyOf(ctx, { kind: 'consent', id: consentId });
 * const stored = await seal(ctx, { keyId, aad: { table: 'bank_tokens', rowId, owner: `consent:${consentId}` } }, refreshToken);
 */
export async function seal(ctx: PrivacyContext, target: { keyId: string; aad: SealAad }, plaintext: string | Uint8Array): Promise<string> {
  const key = await unwrapped(ctx, target.keyId);
  const body = gcmSeal(key, Buffer.from(plaintext), sealAad(target.keyId, target.aad));
  return `${sealPrefix}.${target.keyId}.${body.toString('base64url')}`;
}

/** Whether a stored value is sealed (rows written before sealing existed are plain). */
export function isSealed(value: string): boolean {
  return value.startsWith(`${sealPrefix}.`);
}

/** The key id a sealed value names (to find what a destroyed key took with it). */
export function sealedKeyId(sealed: string): string {
  const [prefix, keyId, body] = sealed.split('.');
  if (prefix !== sealPrefix || !keyId || body === undefined) throw new AppError('ERR_SEAL_BROKEN', { message: 'This is not a sealed value.' });
  return keyId;
}

/**
 * Decrypt what `seal` made for the same `aad`. Throws ERR_DATA_KEY_DESTROYED once its key was
 * destroyed, ERR_SEAL_BROKEN when the value was altered or moved (another row, owner or key).
 */
export async function open(ctx: PrivacyContext, target: { keyId?: string; aad: SealAad }, sealed: string): Promise<Buffer> {
  const keyId = sealedKeyId(sealed);
  if (target.keyId !== undefined && target.keyId !== keyId) throw new AppError('ERR_SEAL_BROKEN', { message: 'Sealed under another data key.' });
  const key = await unwrapped(ctx, keyId);
  return gcmOpen(key, Buffer.from(sealed.slice(sealPrefix.length + keyId.length + 2), 'base64url'), sealAad(keyId, target.aad));
}

/** `open`, as UTF-8 text. */
export async function openText(ctx: PrivacyContext, target: { keyId?: string; aad: SealAad }, sealed: string): Promise<string> {
  return (await open(ctx, target, sealed)).toString('utf8');
}

/**
 * The raw key of a Parley service (not a person's data), kept as a data key so master key
 * rotation re-wraps it like the rest. `initial` gives its material the first time: webhooks
 * pass the key their secrets were sealed under before the key ring, so those still open.
 * Two nodes starting together may each store one; both then use the oldest.
 */
export async function serviceKey(ctx: PrivacyContext, name: string, initial: () => Buffer): Promise<Buffer> {
  const owner = { kind: 'service', id: name } as const;
  let row = await dataKeys.findLiveKeyOfOwner(ctx.db, owner);
  if (!row) {
    await insertKey(ctx, owner, initial());
    // Read back the oldest: nodes that raced to make one all settle on the same key.
    row = await dataKeys.findLiveKeyOfOwner(ctx.db, owner);
  }
  if (!row) throw new AppError('ERR_DATA_KEY_DESTROYED', { message: `The ${name} service key is missing.` });
  return Buffer.from(await unwrapped(ctx, row.id));
}
