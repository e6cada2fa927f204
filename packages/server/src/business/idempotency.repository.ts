import type { Db } from '../database';
import type { IdempotencyKeyRow } from './idempotency.table';
import { fixedQuery } from '../platform/db/fixed-query';

export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

export interface KeyRef {
  readonly businessId: string;
  readonly key: string;
}

/** Forget this key if it is older than `cutoff` (kept 24 h; a later use starts afresh). */
export async function deleteExpiredKey(db: Db, ref: KeyRef, cutoff: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', ref.businessId)
    .where('key', '=', ref.key)
    .where('created_at', '<=', cutoff)
    .execute();
}

export type NewKey = KeyRef & { requestHash: string; leaseToken: string; lockedUntil: number; createdAt: number };

const refId = (ref: KeyRef) => `${ref.businessId}\0${ref.key}`;

/**
 * Reserve keys as in progress, in one statement: for each, false when a row for it exists already
 * (whatever its state) or an earlier one in the same batch took it.
 */
export async function insertKeysIfAbsent(db: Db, rows: readonly NewKey[]): Promise<boolean[]> {
  const first = new Map<string, NewKey>();
  for (const row of rows) if (!first.has(refId(row))) first.set(refId(row), row);
  const inserted = await db
    .insertInto('idempotency_keys')
    .values(
      [...first.values()].map((row) => ({
        business_id: row.businessId,
        key: row.key,
        request_hash: row.requestHash,
        status: 'in_progress' as const,
        response: null,
        lease_token: row.leaseToken,
        locked_until: row.lockedUntil,
        created_at: row.createdAt,
      })),
    )
    .onConflict((oc) => oc.columns(['business_id', 'key']).doNothing())
    .returning(['business_id', 'key', 'lease_token'])
    .execute();
  const won = new Set(inserted.map((row) => `${row.lease_token}`));
  return rows.map((row) => won.has(row.leaseToken));
}

/** Reserve the key as in progress; false when a row for it exists already (whatever its state). */
export async function insertKeyIfAbsent(db: Db, row: NewKey): Promise<boolean> {
  const [inserted] = await insertKeysIfAbsent(db, [row]);
  return inserted === true;
}

// The Send and Alert APIs' hot queries: compiled once (platform/db/fixed-query.ts).
const keyByRef = fixedQuery((db: Db, businessId: string, key: string) => db.selectFrom('idempotency_keys').selectAll().where('business_id', '=', businessId).where('key', '=', key));
const complete = fixedQuery((db: Db, businessId: string, key: string, leaseToken: string, response: string) =>
  db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response, lease_token: null, locked_until: null })
    .where('business_id', '=', businessId)
    .where('key', '=', key)
    .where('lease_token', '=', leaseToken),
);

export async function findKey(db: Db, ref: KeyRef): Promise<IdempotencyKeyRow | undefined> {
  return (await keyByRef(db, ref.businessId, ref.key))[0];
}

/** Take over an in-progress key whose lease ran out; false when someone else got it first. */
export async function takeOverKey(db: Db, ref: KeyRef & { from: string | null; leaseToken: string; lockedUntil: number }): Promise<boolean> {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ lease_token: ref.leaseToken, locked_until: ref.lockedUntil })
    .where('business_id', '=', ref.businessId)
    .where('key', '=', ref.key)
    .where('status', '=', 'in_progress')
    .where((eb) => (ref.from === null ? eb('lease_token', 'is', null) : eb('lease_token', '=', ref.from)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Store the answer, if this lease still holds the key. */
export async function completeKey(db: Db, ref: KeyRef & { leaseToken: string; response: string }): Promise<void> {
  await complete(db, ref.businessId, ref.key, ref.leaseToken, ref.response);
}

/** Store many answers in one transaction (see platform/batcher.ts). */
export async function completeKeys(db: Db, refs: readonly (KeyRef & { leaseToken: string; response: string })[]): Promise<void> {
  if (refs.length === 1 && refs[0]) return completeKey(db, refs[0]);
  await db.transaction().execute(async (trx) => {
    for (const ref of refs) await completeKey(trx, ref);
  });
}

/** Give the key back (the request failed before anything was sent), if this lease still holds it. */
export async function releaseKey(db: Db, ref: KeyRef & { leaseToken: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', ref.businessId)
    .where('key', '=', ref.key)
    .where('status', '=', 'in_progress')
    .where('lease_token', '=', ref.leaseToken)
    .execute();
}

/** Forget every key made at or before `cutoff`; returns how many. */
export async function deleteKeysBefore(db: Db, cutoff: number): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<=', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
