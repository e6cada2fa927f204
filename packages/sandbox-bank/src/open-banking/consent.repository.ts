import type { Kysely, Transaction } from 'kysely';
import type { BankTables } from '../database';
import type { ConsentRow, ConsentStatus } from './consent.table';

type Db = Kysely<BankTables> | Transaction<BankTables>;

export async function insertConsent(db: Db, row: ConsentRow): Promise<void> {
  await db.insertInto('account_access_consents').values(row).execute();
}

export async function findConsent(db: Db, id: string): Promise<ConsentRow | undefined> {
  return db.selectFrom('account_access_consents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The customer said yes at the consent page, sharing these accounts. Only an AWAU consent can be authorised. */
export async function authoriseConsent(db: Db, input: { id: string; customerId: string; accountIds: readonly string[]; at: number }): Promise<boolean> {
  const result = await db
    .updateTable('account_access_consents')
    .set({ status: 'AUTH', customer_id: input.customerId, account_ids: JSON.stringify(input.accountIds), status_updated_at: input.at })
    .where('id', '=', input.id)
    .where('status', '=', 'AWAU')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Move a consent to a final status (RJCT, CANC, EXPD) unless it already is in one. Returns whether it moved. */
export async function endConsent(db: Db, input: { id: string; status: Exclude<ConsentStatus, 'AWAU' | 'AUTH'>; at: number }): Promise<boolean> {
  const result = await db
    .updateTable('account_access_consents')
    .set({ status: input.status, status_updated_at: input.at })
    .where('id', '=', input.id)
    .where('status', 'in', ['AWAU', 'AUTH'])
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A customer's consents, newest first (the "Connected apps" page). */
export async function listConsentsOfCustomer(db: Db, customerId: string): Promise<ConsentRow[]> {
  return db.selectFrom('account_access_consents').selectAll().where('customer_id', '=', customerId).orderBy('created_at', 'desc').execute();
}
