import type { Kysely, Transaction } from 'kysely';
import type { BankTables } from '../database';
import type { AuthorizationRow, CardRow, DisputeRow } from './cards.table';

type Db = Kysely<BankTables> | Transaction<BankTables>;

export async function listCardsOfCustomer(db: Db, customerId: string): Promise<CardRow[]> {
  return db.selectFrom('cards').selectAll().where('customer_id', '=', customerId).orderBy('created_at').orderBy('kind', 'desc').orderBy('id').execute();
}

export async function findCard(db: Db, id: string): Promise<CardRow | undefined> {
  return db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCardAccountIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('cards').select('account_id').execute()).map((row) => row.account_id);
}

export async function insertCards(db: Db, rows: CardRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('cards').values(rows).onConflict((oc) => oc.column('account_id').doNothing()).execute();
}

/** Lock or unlock one card of the customer, or all of them; returns how many changed. */
export async function setCardsLocked(db: Db, input: { customerId: string; cardId?: string; locked: boolean; at: number }): Promise<number> {
  let update = db
    .updateTable('cards')
    .set({ locked: input.locked ? 1 : 0, lock_changed_at: input.at })
    .where('customer_id', '=', input.customerId)
    .where('locked', '=', input.locked ? 0 : 1);
  if (input.cardId !== undefined) update = update.where('id', '=', input.cardId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertAuthorization(db: Db, row: AuthorizationRow): Promise<void> {
  await db.insertInto('card_authorizations').values(row).execute();
}

export async function findAuthorization(db: Db, id: string): Promise<AuthorizationRow | undefined> {
  return db.selectFrom('card_authorizations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Move a held authorization on; false if it was no longer held (resolved twice, or raced). */
export async function resolveHeld(db: Db, input: { id: string; patch: Pick<AuthorizationRow, 'status' | 'decline_reason' | 'transaction_id' | 'resolved_at'> }): Promise<boolean> {
  const result = await db.updateTable('card_authorizations').set(input.patch).where('id', '=', input.id).where('status', '=', 'held').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listAuthorizationsOfCustomer(db: Db, customerId: string, limit: number): Promise<AuthorizationRow[]> {
  return db.selectFrom('card_authorizations').selectAll().where('customer_id', '=', customerId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Authorizations on the customer's cards with `from` < at ≤ `to`. */
export async function countAuthorizationsBetween(db: Db, input: { customerId: string; from: number; to: number }): Promise<number> {
  const row = await db
    .selectFrom('card_authorizations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('customer_id', '=', input.customerId)
    .where('at', '>', input.from)
    .where('at', '<=', input.to)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Amounts (positive, minor units) of card payments on the accounts booked in [from, to]. */
export async function cardSpendBetween(db: Db, input: { accountIds: readonly string[]; from: number; to: number }): Promise<number[]> {
  if (input.accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('transactions')
    .select('amount_minor')
    .where('account_id', 'in', [...input.accountIds])
    .where('merchant_category_code', 'is not', null)
    .where('amount_minor', '<', 0)
    .where('status', '!=', 'Rejected')
    .where('booked_at', '>=', input.from)
    .where('booked_at', '<=', input.to)
    .execute();
  return rows.map((row) => -row.amount_minor);
}

/** Every country a card of these accounts was used in. */
export async function cardCountries(db: Db, accountIds: readonly string[]): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('transactions')
    .select('country')
    .distinct()
    .where('account_id', 'in', [...accountIds])
    .where('merchant_category_code', 'is not', null)
    .where('country', 'is not', null)
    .execute();
  return rows.map((row) => row.country).filter((country): country is string => country !== null);
}

export async function insertDispute(db: Db, row: DisputeRow): Promise<void> {
  await db.insertInto('disputes').values(row).execute();
}

export async function findOpenDisputeOfTransaction(db: Db, transactionId: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('transaction_id', '=', transactionId).where('status', '=', 'open').executeTakeFirst();
}

export async function findDisputeByCaseNumber(db: Db, caseNumber: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('case_number', '=', caseNumber).executeTakeFirst();
}
