import { AppError, isAppError } from '../platform/errors';
import * as dataKeys from './data-key.repository';
import { createDataKey, sealAad, sealedKeyId, sealPrefix, unwrapped, wrapAad, type PrivacyContext, type SealAad } from './data-key.service';
import { gcmOpen, gcmSeal, type KeyRing } from './master-key.ring';
import type { DataKeyOwnerKind } from './privacy.table';

/**
 * Data keys unwrapped ahead of time, so that sealing and opening many values is synchronous:
 * a writer that must seal inside a transaction (the group committer, whose seqs exist only
 * there) loads its keys before it, since on SQLite a read of `data_keys` inside the
 * transaction would wait for the transaction itself.
 *
 * It holds its own copies of the keys: the shared cache zeroes a key it evicts, and a set
 * outlives nothing but the batch it was made for.
 */
export class DataKeySet {
  readonly #keys = new Map<string, Buffer | AppError>();

  /** @internal filled by loadDataKeys. */
  put(keyId: string, key: Buffer | AppError): void {
    this.#keys.set(keyId, key);
  }

  #key(keyId: string): Buffer {
    const key = this.#keys.get(keyId);
    if (key === undefined) throw new Error(`Data key ${keyId} was not loaded into this set.`);
    if (key instanceof AppError) throw key;
    return key;
  }

  /** Whether this key can seal and open here (loaded, and neither destroyed nor unreadable). */
  usable(keyId: string): boolean {
    return Buffer.isBuffer(this.#keys.get(keyId));
  }

  /** `seal`, synchronously: the key must be in the set. */
  seal(target: { keyId: string; aad: SealAad }, plaintext: string | Uint8Array): string {
    const body = gcmSeal(this.#key(target.keyId), Buffer.from(plaintext), sealAad(target.keyId, target.aad));
    return `${sealPrefix}.${target.keyId}.${body.toString('base64url')}`;
  }

  /**
   * `open` as text for a reader that shows erased rows rather than failing the page: undefined
   * when the value's key is destroyed or its seal is broken (altered, or moved to another row —
   * `onBroken` hears of that one, to log it).
   */
  openOrErased(target: { aad: SealAad }, sealed: string, onBroken?: () => void): string | undefined {
    try {
      return this.open(target, sealed).toString('utf8');
    } catch (error) {
      if (!isAppError(error) || (error.code !== 'ERR_DATA_KEY_DESTROYED' && error.code !== 'ERR_SEAL_BROKEN')) throw error;
      if (error.code === 'ERR_SEAL_BROKEN') onBroken?.();
      return undefined;
    }
  }

  /** `open`, synchronously: throws the key's ERR_DATA_KEY_DESTROYED, or ERR_SEAL_BROKEN. */
  open(target: { aad: SealAad }, sealed: string): Buffer {
    const keyId = sealedKeyId(sealed);
    return gcmOpen(this.#key(keyId), Buffer.from(sealed.slice(sealPrefix.length + keyId.length + 2), 'base64url'), sealAad(keyId, target.aad));
  }
}

/** Unwrap these data keys (from the cache, else with one read of their rows). A destroyed or unreadable key is kept as its error. */
export async function loadDataKeys(ctx: PrivacyContext, keyIds: Iterable<string>): Promise<DataKeySet> {
  const set = new DataKeySet();
  const missing: string[] = [];
  for (const keyId of new Set(keyIds)) {
    const cached = ctx.keys.dataKeys.get(keyId);
    if (cached) set.put(keyId, Buffer.from(cached));
    else missing.push(keyId);
  }
  if (missing.length === 0) return set;
  const rows = new Map((await dataKeys.findDataKeys(ctx.db, missing)).map((row) => [row.id, row]));
  for (const keyId of missing) {
    const row = rows.get(keyId);
    if (!row || row.destroyed_at !== null || !row.wrapped_key || !row.master_key_id) {
      set.put(keyId, new AppError('ERR_DATA_KEY_DESTROYED'));
      continue;
    }
    try {
      const key = ctx.keys.unwrap(row.wrapped_key, row.master_key_id, wrapAad(row));
      ctx.keys.dataKeys.set(keyId, key);
      set.put(keyId, Buffer.from(key));
    } catch {
      // A rotation may have re-wrapped the row since we read it: the one-key path re-reads it.
      set.put(keyId, await unwrapped(ctx, keyId).then((key) => Buffer.from(key), (error: unknown) => (isAppError(error) ? error : new AppError('ERR_SEAL_BROKEN', { cause: error }))));
    }
  }
  return set;
}

/** The keys that these sealed values name (see loadDataKeys): one load for a page of rows. */
export function loadKeysOfSealed(ctx: PrivacyContext, sealed: Iterable<string>): Promise<DataKeySet> {
  return loadDataKeys(ctx, [...sealed].map((value) => value.split('.', 2)[1] ?? ''));
}

/**
 * The live keys of these owners, loaded so a writer can seal synchronously inside its
 * transaction. A key destroyed on another node, whose news did not reach this one, makes it
 * look again once rather than fail the whole batch inside the transaction.
 */
export async function loadOwnerKeys(ctx: PrivacyContext, kind: DataKeyOwnerKind, ownerIds: Iterable<string>): Promise<{ keyIds: Map<string, string>; keys: DataKeySet }> {
  const owners = [...new Set(ownerIds)];
  let keyIds = await dataKeyIdsOf(ctx, kind, owners);
  let keys = await loadDataKeys(ctx, keyIds.values());
  if ([...keyIds.values()].some((keyId) => !keys.usable(keyId))) {
    forgetOwnerKeyIds(ctx.keys);
    keyIds = await dataKeyIdsOf(ctx, kind, owners);
    keys = await loadDataKeys(ctx, keyIds.values());
  }
  return { keyIds, keys };
}

/** Owner → live key id, per key ring: an owner's key id changes only when it is destroyed. */
const ownerKeyIds = new WeakMap<KeyRing, Map<string, string>>();
const maxOwnerKeyIds = 100_000;

/** Forget every remembered owner → key id (after a destruction: the next seal looks again). */
export function forgetOwnerKeyIds(ring: KeyRing): void {
  ownerKeyIds.get(ring)?.clear();
}

/**
 * The live data key id of each owner (of one kind), made on first use: `dataKeyOf` for many
 * owners at once, remembered in memory so a busy writer does not read `data_keys` every time.
 */
export async function dataKeyIdsOf(ctx: PrivacyContext, kind: DataKeyOwnerKind, ownerIds: Iterable<string>): Promise<Map<string, string>> {
  let known = ownerKeyIds.get(ctx.keys);
  if (!known) ownerKeyIds.set(ctx.keys, (known = new Map()));
  const result = new Map<string, string>();
  const missing: string[] = [];
  for (const ownerId of new Set(ownerIds)) {
    const keyId = known.get(`${kind}:${ownerId}`);
    if (keyId === undefined) missing.push(ownerId);
    else result.set(ownerId, keyId);
  }
  if (missing.length === 0) return result;
  // Oldest first: when two nodes raced to make an owner's key, every node settles on the same one.
  for (const row of await dataKeys.findLiveKeysOfOwners(ctx.db, kind, missing)) if (!result.has(row.owner_id)) result.set(row.owner_id, row.id);
  for (const ownerId of missing) if (!result.has(ownerId)) result.set(ownerId, await createDataKey(ctx, { kind, id: ownerId }));
  if (known.size + missing.length > maxOwnerKeyIds) known.clear();
  for (const ownerId of missing) known.set(`${kind}:${ownerId}`, result.get(ownerId)!);
  return result;
}
