import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { BusinessRow, BusinessesTable } from './business.table';

/** Insert unless the slug is taken; returns whether it was inserted. */
export async function insertBusinessIfAbsent(db: Db, business: Insertable<BusinessesTable>): Promise<boolean> {
  const result = await db
    .insertInto('businesses')
    .values(business)
    .onConflict((oc) => oc.column('slug').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listBusinesses(db: Db): Promise<BusinessRow[]> {
  return db.selectFrom('businesses').selectAll().orderBy('name').execute();
}

export async function findBusinessById(db: Db, id: string): Promise<BusinessRow | undefined> {
  return db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findBusinessBySlug(db: Db, slug: string): Promise<BusinessRow | undefined> {
  return db.selectFrom('businesses').selectAll().where('slug', '=', slug).executeTakeFirst();
}
