import type { Insertable } from 'kysely';
import type { Db } from '../database';
import type { InboxCannedRow, InboxCannedTable } from './inbox.table';

export async function listCanned(db: Db, businessId: string): Promise<InboxCannedRow[]> {
  return db.selectFrom('inbox_canned').selectAll().where('business_id', '=', businessId).orderBy('shortcut').limit(1000).execute();
}

export async function findCanned(db: Db, businessId: string, id: string): Promise<InboxCannedRow | undefined> {
  return db.selectFrom('inbox_canned').selectAll().where('business_id', '=', businessId).where('id', '=', id).executeTakeFirst();
}

export async function findCannedByShortcut(db: Db, businessId: string, shortcut: string): Promise<InboxCannedRow | undefined> {
  return db.selectFrom('inbox_canned').selectAll().where('business_id', '=', businessId).where('shortcut', '=', shortcut).executeTakeFirst();
}

export async function insertCanned(db: Db, row: Insertable<InboxCannedTable>): Promise<void> {
  await db.insertInto('inbox_canned').values(row).execute();
}

export async function updateCanned(db: Db, row: InboxCannedRow): Promise<void> {
  const { id, business_id, ...set } = row;
  await db.updateTable('inbox_canned').set(set).where('business_id', '=', business_id).where('id', '=', id).execute();
}

export async function deleteCanned(db: Db, businessId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('inbox_canned').where('business_id', '=', businessId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
