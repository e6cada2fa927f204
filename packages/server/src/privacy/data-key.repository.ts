import type { Db } from '../database';
import type { DataKeyOwnerKind, DataKeyRow } from './privacy.table';

export async function insertDataKey(db: Db, row: DataKeyRow): Promise<void> {
  await db.insertInto('data_keys').values(row).execute();
}

export async function findDataKey(db: Db, id: string): Promise<DataKeyRow | undefined> {
  return db.selectFrom('data_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findLiveKeyOfOwner(db: Db, owner: { kind: DataKeyOwnerKind; id: string }): Promise<DataKeyRow | undefined> {
  return db
    .selectFrom('data_keys')
    .selectAll()
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('destroyed_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
}

/**
 * Crypto-shred: the wrapped key is overwritten with NULL (the row stays, so a later `open`
 * can say "destroyed" rather than "unknown"). Returns the ids destroyed now.
 */
export async function destroyDataKeys(db: Db, target: { ids?: readonly string[]; ownerKind?: DataKeyOwnerKind; ownerId?: string; at: number }): Promise<string[]> {
  let query = db.updateTable('data_keys').set({ wrapped_key: null, master_key_id: null, destroyed_at: target.at }).where('destroyed_at', 'is', null);
  if (target.ids) query = query.where('id', 'in', target.ids.length ? [...target.ids] : ['']);
  if (target.ownerKind) query = query.where('owner_kind', '=', target.ownerKind);
  if (target.ownerId) query = query.where('owner_id', '=', target.ownerId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}

/** A batch of live keys not yet wrapped under `masterKeyId`, for a rotation sweep. */
export async function keysNotUnder(db: Db, masterKeyId: string, page: { after: string; limit: number }): Promise<DataKeyRow[]> {
  return db
    .selectFrom('data_keys')
    .selectAll()
    .where('destroyed_at', 'is', null)
    .where('master_key_id', '!=', masterKeyId)
    .where('id', '>', page.after)
    .orderBy('id')
    .limit(page.limit)
    .execute();
}

/** Replace a wrapping only if nobody changed (or destroyed) the row since it was read. */
export async function rewrapDataKey(db: Db, change: { id: string; from: string; wrapped: string; masterKeyId: string }): Promise<boolean> {
  const result = await db
    .updateTable('data_keys')
    .set({ wrapped_key: change.wrapped, master_key_id: change.masterKeyId })
    .where('id', '=', change.id)
    .where('wrapped_key', '=', change.from)
    .where('destroyed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function countKeysByMaster(db: Db): Promise<Array<{ master_key_id: string | null; count: number }>> {
  const rows = await db
    .selectFrom('data_keys')
    .select(['master_key_id', (eb) => eb.fn.countAll<number | string>().as('count')])
    .where('destroyed_at', 'is', null)
    .groupBy('master_key_id')
    .execute();
  return rows.map((row) => ({ master_key_id: row.master_key_id, count: Number(row.count) }));
}

/** These keys (live or destroyed); ids not found are absent. */
export async function findDataKeys(db: Db, ids: readonly string[]): Promise<DataKeyRow[]> {
  const found: DataKeyRow[] = [];
  for (let start = 0; start < ids.length; start += 500) {
    found.push(...(await db.selectFrom('data_keys').selectAll().where('id', 'in', ids.slice(start, start + 500)).execute()));
  }
  return found;
}

/** The live keys of these owners of one kind, oldest first (an owner may have two if nodes raced to make one). */
export async function findLiveKeysOfOwners(db: Db, kind: DataKeyOwnerKind, ownerIds: readonly string[]): Promise<Array<Pick<DataKeyRow, 'id' | 'owner_id'>>> {
  const found: Array<Pick<DataKeyRow, 'id' | 'owner_id'>> = [];
  for (let start = 0; start < ownerIds.length; start += 500) {
    const rows = await db
      .selectFrom('data_keys')
      .select(['id', 'owner_id'])
      .where('owner_kind', '=', kind)
      .where('owner_id', 'in', ownerIds.slice(start, start + 500))
      .where('destroyed_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    found.push(...rows);
  }
  return found;
}
