import type { Db } from '../database';
import type { SigningKeyRow, SigningKeyUse } from './privacy.table';

export async function findActiveKey(db: Db, use: SigningKeyUse): Promise<SigningKeyRow | undefined> {
  return db.selectFrom('signing_keys').selectAll().where('use', '=', use).where('retired_at', 'is', null).executeTakeFirst();
}

/** Insert a key as the active one for its use; false when another process made one first (unique partial index). */
export async function insertActiveKey(db: Db, row: SigningKeyRow): Promise<boolean> {
  try {
    await db.insertInto('signing_keys').values(row).execute();
    return true;
  } catch (error) {
    if (await findActiveKey(db, row.use)) return false;
    throw error;
  }
}

/** Retire the active key of a use and make `next` active, in one transaction. */
export async function replaceActiveKey(db: Db, next: SigningKeyRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('signing_keys').set({ retired_at: next.created_at }).where('use', '=', next.use).where('retired_at', 'is', null).execute();
    await trx.insertInto('signing_keys').values(next).execute();
  });
}

/** Every key ever made, retired ones too: what the JWKS publishes. */
export async function listKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
}
