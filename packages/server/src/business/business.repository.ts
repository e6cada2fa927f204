import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { BusinessRow, BusinessesTable } from './business.table';

export async function insertBusinessIfAbsent(db: Db, business: Insertable<BusinessesTable>): Promise<void> {
  await db.insertInto('businesses').values(business).onConflict((oc) => oc.column('slug').doNothing()).execute();
}

export async function listBusinesses(db: Db): Promise<BusinessRow[]> {
  return db.selectFrom('businesses').selectAll().orderBy('name').execute();
}

export async function findBusinessById(db: Db, id: string): Promise<BusinessRow | undefined> {
  return db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
}
