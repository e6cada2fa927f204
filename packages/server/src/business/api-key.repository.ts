import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { ApiKeyRow, ApiKeysTable } from './business.table';
import { fixedQuery } from '../platform/db/fixed-query';

export async function insertApiKey(db: Db, key: Insertable<ApiKeysTable>): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

/** Every key of the business, revoked ones too, newest first. */
export async function listApiKeys(db: Db, businessId: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('business_id', '=', businessId).orderBy('created_at', 'desc').orderBy('id').execute();
}

// Every API call reads its key: compiled once (platform/db/fixed-query.ts).
const keyByPrefix = fixedQuery((db: Db, prefix: string) => db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix));

export async function findApiKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyRow | undefined> {
  return (await keyByPrefix(db, prefix))[0];
}

/** The key, if it exists and (when `businessId` is given) belongs to that business. */
export async function findApiKey(db: Db, keyId: string, businessId?: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', keyId)
    .$if(businessId !== undefined, (query) => query.where('business_id', '=', businessId as string))
    .executeTakeFirst();
}

/** Mark the key revoked at `at`; a key revoked before keeps its first time. */
export async function revokeApiKey(db: Db, keyId: string, at: number): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', keyId).where('revoked_at', 'is', null).execute();
}

/** Record a use, at most once per `every` ms per key, so a busy key is not a write per request. */
export async function touchApiKey(db: Db, keyId: string, at: number, every: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', at - every)]))
    .execute();
}
