import { isAppError } from '../platform/errors';
import * as dataKeys from './data-key.repository';
import { wrapAad, type DataKeyOwner, type PrivacyContext } from './data-key.service';
import { forgetOwnerKeyIds } from './data-key.set';
import type { KeyRing } from './master-key.ring';

/** What a destruction did, and whether backups taken before it are unreadable now. */
export interface ShredResult {
  readonly destroyed: string[];
  /**
   * True when the master key versions that wrapped these keys in any earlier copy of the
   * database are gone too (key-file mode rotates after every destruction). False with
   * PARLEY_MASTER_KEY: backups hold until the operator rotates; see docs/privacy.md.
   */
  readonly backupsUnreadable: boolean;
}

export interface RotationResult {
  readonly current: string;
  readonly retired: string[];
  readonly rewrapped: number;
  /** Live keys that could not be unwrapped (master key already gone, or the row was tampered with): already unreadable. */
  readonly unreadable: number;
}

const batchSize = 500;
/** After switching keys, how long writers in other processes get to notice before the last sweep. */
const graceMs = 1_000;

/** Re-wrap every live key not under `current`, in batches (keyset pages, so a stuck row cannot loop). */
async function sweep(ctx: PrivacyContext, current: string): Promise<{ rewrapped: number; unreadable: number }> {
  let rewrapped = 0;
  let unreadable = 0;
  let after = '';
  for (;;) {
    const rows = await dataKeys.keysNotUnder(ctx.db, current, { after, limit: batchSize });
    if (rows.length === 0) return { rewrapped, unreadable };
    for (const row of rows) {
      after = row.id;
      try {
        const key = ctx.keys.unwrap(row.wrapped_key as string, row.master_key_id as string, wrapAad(row));
        const { wrapped, masterKeyId } = ctx.keys.wrap(key, wrapAad(row));
        key.fill(0);
        if (await dataKeys.rewrapDataKey(ctx.db, { id: row.id, from: row.wrapped_key as string, wrapped, masterKeyId })) rewrapped++;
      } catch (error) {
        // A key already lost (its master key gone) or tampered with cannot be re-wrapped; it must not stop the rest.
        if (!isAppError(error) || (error.code !== 'ERR_MASTER_KEY_MISSING' && error.code !== 'ERR_SEAL_BROKEN')) throw error;
        unreadable++;
      }
    }
    if (rows.length < batchSize) return { rewrapped, unreadable };
  }
}

/**
 * `parley keys rotate`: every data key re-wrapped under a new master key, old master keys
 * retired. Safe while Parley runs: servers re-read the key file when it changes, a rotation
 * holds the key-file lock throughout, and the last sweep runs after in-flight writes settle.
 */
export async function rotateMasterKey(ctx: PrivacyContext): Promise<RotationResult> {
  let totals = { rewrapped: 0, unreadable: 0 };
  const { current, retired } = await ctx.keys.rotate(async (currentId) => {
    const first = await sweep(ctx, currentId);
    await ctx.keys.quiesce();
    if (ctx.keys.source === 'file') await new Promise((resolve) => setTimeout(resolve, graceMs));
    const last = await sweep(ctx, currentId);
    totals = { rewrapped: first.rewrapped + last.rewrapped, unreadable: last.unreadable };
  });
  return { current, retired, ...totals };
}

interface ShredQueue {
  tail: Promise<unknown>;
  waiting: Promise<RotationResult> | null;
}
const queues = new WeakMap<KeyRing, ShredQueue>();

/**
 * A rotation that starts after this call: the proof a destruction reaches backups. Callers that
 * arrive while one waits to start share it; one that is already running does not count.
 */
function rotationAfterNow(ctx: PrivacyContext): Promise<RotationResult> {
  const queue = queues.get(ctx.keys) ?? { tail: Promise.resolve(), waiting: null };
  queues.set(ctx.keys, queue);
  if (queue.waiting) return queue.waiting;
  const next = queue.tail
    .catch(() => undefined)
    .then(() => {
      queue.waiting = null;
      return rotateMasterKey(ctx);
    });
  queue.waiting = next;
  queue.tail = next;
  return next;
}

/** The bus topic on which a node announces the data keys it destroyed. */
export const destroyedKeysTopic = 'privacy.data-keys-destroyed';

/**
 * Evict keys other nodes destroyed, as soon as they say so. (Without a fleet bus the row's
 * `destroyed_at` still stops a node once its cached copy expires, within 5 minutes; the gate's
 * consent check stops reads at once anyway.) Returns the function that stops listening.
 */
export function evictDestroyedKeysFromBus(ctx: PrivacyContext): () => void {
  if (!ctx.bus) return () => undefined;
  return ctx.bus.subscribe(destroyedKeysTopic, (payload) => {
    const ids = (payload as { ids?: unknown }).ids;
    forgetOwnerKeyIds(ctx.keys);
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') ctx.keys.dataKeys.evict(id);
  });
}

async function shred(ctx: PrivacyContext, destroyed: string[]): Promise<ShredResult> {
  for (const id of destroyed) ctx.keys.dataKeys.evict(id);
  forgetOwnerKeyIds(ctx.keys);
  if (destroyed.length > 0) ctx.bus?.publish(destroyedKeysTopic, { ids: destroyed });
  if (ctx.keys.source === 'env') return { destroyed, backupsUnreadable: false };
  await rotationAfterNow(ctx);
  return { destroyed, backupsUnreadable: true };
}

/**
 * Crypto-shred one data key: its wrapped form is overwritten, the cache forgets it, and (key-file
 * mode) the master key is rotated so no copy of the database taken before now can unwrap it.
 */
export async function destroyDataKey(ctx: PrivacyContext, keyId: string): Promise<ShredResult> {
  return shred(ctx, await dataKeys.destroyDataKeys(ctx.db, { ids: [keyId], at: ctx.clock.now() }));
}

/** Crypto-shred every key of one owner (a revoked consent). */
export async function destroyKeysOfOwner(ctx: PrivacyContext, owner: DataKeyOwner): Promise<ShredResult> {
  return shred(ctx, await dataKeys.destroyDataKeys(ctx.db, { ownerKind: owner.kind, ownerId: owner.id, at: ctx.clock.now() }));
}

/** Account deletion: the person's keys and the keys of the consents they held, in one rotation. */
export async function destroyKeysOfPerson(ctx: PrivacyContext, input: { personId: string; consentIds?: readonly string[] }): Promise<ShredResult> {
  const at = ctx.clock.now();
  const destroyed = await dataKeys.destroyDataKeys(ctx.db, { ownerKind: 'person', ownerId: input.personId, at });
  for (const consentId of input.consentIds ?? []) {
    destroyed.push(...(await dataKeys.destroyDataKeys(ctx.db, { ownerKind: 'consent', ownerId: consentId, at })));
  }
  return shred(ctx, destroyed);
}

/** How many live data keys each master key wraps (`parley keys status`). */
export async function dataKeysByMasterKey(ctx: PrivacyContext): Promise<Array<{ masterKeyId: string | null; count: number }>> {
  return (await dataKeys.countKeysByMaster(ctx.db)).map((row) => ({ masterKeyId: row.master_key_id, count: row.count }));
}
