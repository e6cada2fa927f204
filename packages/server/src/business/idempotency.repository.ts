import type { Db } from '../database';
import type { IdempotencyKeyRow } from './idempotency.table';
import type { Dialect } from '../platform/db/database';
import { fixedQuery } from '../platform/db/fixed-query';
import { cachedStatement, forEachChunk, runStatement, valuesList } from '../platform/db/values-list';

/** Run `work` in a transaction of its own (on SQLite, its hand-written statements run at once: platform/db/run-now.ts). */
export { inTransaction } from '../platform/db/run-now';

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
const byRef = (a: KeyRef, b: KeyRef): number => {
  const [x, y] = [refId(a), refId(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Reserve keys as in progress, in one statement: for each, false when a row for it exists already
 * (whatever its state) or an earlier one in the same batch took it. Hand-written (see
 * platform/db/values-list.ts): Kysely built this insert row by row, a tenth of a Send API call.
 */
export async function insertKeysIfAbsent(db: Db, dialect: Dialect, rows: readonly NewKey[]): Promise<boolean[]> {
  const first = new Map<string, NewKey>();
  for (const row of rows) if (!first.has(refId(row))) first.set(refId(row), row);
  const params: (string | number)[] = [];
  // In key order, as completeKeys: concurrent batches then take their rows' locks in one order.
  for (const row of [...first.values()].sort(byRef)) params.push(row.businessId, row.key, row.requestHash, 'in_progress', row.leaseToken, row.lockedUntil, row.createdAt);
  const won = new Set<string>();
  await forEachChunk(params, newKeyTypes.length, async (chunk) => {
    const text = cachedStatement(`idempotency-reserve:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / newKeyTypes.length, newKeyTypes);
      return (
        `insert into idempotency_keys (business_id, key, request_hash, status, lease_token, locked_until, created_at) ` +
        `values ${values} on conflict (business_id, key) do nothing returning lease_token`
      );
    });
    for (const row of await runStatement<{ lease_token: string }>(db, text, chunk)) won.add(row.lease_token);
  });
  return rows.map((row) => won.has(row.leaseToken));
}

const newKeyTypes = ['text', 'text', 'text', 'text', 'text', 'bigint', 'bigint'] as const;

/** Reserve the key as in progress; false when a row for it exists already (whatever its state). */
export async function insertKeyIfAbsent(db: Db, dialect: Dialect, row: NewKey): Promise<boolean> {
  const [inserted] = await insertKeysIfAbsent(db, dialect, [row]);
  return inserted === true;
}

// A key seen before: compiled once (platform/db/fixed-query.ts).
const keyByRef = fixedQuery((db: Db, businessId: string, key: string) => db.selectFrom('idempotency_keys').selectAll().where('business_id', '=', businessId).where('key', '=', key));
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

export type Completion = KeyRef & { leaseToken: string; response: string };

/**
 * Store each answer, if its lease still holds the key: one statement for the batch (see
 * platform/batcher.ts), whose rows are the keys that completed together.
 */
export async function completeKeys(db: Db, dialect: Dialect, refs: readonly Completion[]): Promise<void> {
  const params: string[] = [];
  for (const ref of [...refs].sort(byRef)) params.push(ref.businessId, ref.key, ref.leaseToken, ref.response);
  await forEachChunk(params, completionTypes.length, async (chunk) => {
    const text = cachedStatement(`idempotency-complete:${dialect}:${chunk.length}`, () => {
      const values = valuesList(dialect, chunk.length / completionTypes.length, completionTypes);
      return (
        `update idempotency_keys set status = 'done', response = v.column4, lease_token = null, locked_until = null ` +
        `from (values ${values}) as v ` +
        `where idempotency_keys.business_id = v.column1 and idempotency_keys.key = v.column2 and idempotency_keys.lease_token = v.column3`
      );
    });
    await runStatement(db, text, chunk);
  });
}

const completionTypes = ['text', 'text', 'text', 'text'] as const;

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
