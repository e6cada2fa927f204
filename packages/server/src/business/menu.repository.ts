import type { Db } from '../database';
import type { BusinessRow } from './business.table';

export type MenuColumns = Pick<BusinessRow, 'get_started' | 'persistent_menu'>;

export async function findMenuColumns(db: Db, businessId: string): Promise<MenuColumns | undefined> {
  return db.selectFrom('businesses').select(['get_started', 'persistent_menu']).where('id', '=', businessId).executeTakeFirst();
}

/** Write the columns given (one statement, so a concurrent write of the other column is kept). */
export async function updateMenuColumns(db: Db, businessId: string, columns: Partial<MenuColumns>): Promise<void> {
  await db.updateTable('businesses').set(columns).where('id', '=', businessId).execute();
}
