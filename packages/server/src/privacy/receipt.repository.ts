import type { Db } from '../database';
import type { ConsentReceiptRow } from './privacy.table';

export async function insertReceipt(db: Db, row: ConsentReceiptRow): Promise<void> {
  await db.insertInto('consent_receipts').values(row).execute();
}

/** The person's receipts, newest first. */
export async function listReceipts(db: Db, personId: string): Promise<ConsentReceiptRow[]> {
  return db.selectFrom('consent_receipts').selectAll().where('person_id', '=', personId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** One receipt, only if it is this person's. */
export async function findReceipt(db: Db, input: { personId: string; receiptId: string }): Promise<ConsentReceiptRow | undefined> {
  return db.selectFrom('consent_receipts').selectAll().where('id', '=', input.receiptId).where('person_id', '=', input.personId).executeTakeFirst();
}
