import { sql, type Kysely, type Transaction } from 'kysely';
import type { BankTables } from '../database';
import type { AccountKind, AccountRow, CustomerRow, TransactionRow, TransactionStatus } from './customers.table';

type Db = Kysely<BankTables> | Transaction<BankTables>;

export async function findCustomerByUsername(db: Db, username: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findCustomerById(db: Db, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccountsOfCustomer(db: Db, customerId: string): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('customer_id', '=', customerId).orderBy('opened_at').orderBy('id').execute();
}

export async function listAccountsOfKinds(db: Db, kinds: readonly AccountKind[]): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('kind', 'in', [...kinds]).orderBy('opened_at').orderBy('id').execute();
}

export async function findAccountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countCustomers(db: Db): Promise<number> {
  const row = await db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

// 13 columns × 200 rows stays far below SQLite's bound-parameter limit.
const batchSize = 200;

/** Insert customers, accounts and transactions in batches (call inside one transaction). */
export async function insertSeedRows(db: Db, rows: { customers: CustomerRow[]; accounts: AccountRow[]; transactions: TransactionRow[] }): Promise<void> {
  await db.insertInto('customers').values(rows.customers).execute();
  await db.insertInto('accounts').values(rows.accounts).execute();
  for (let i = 0; i < rows.transactions.length; i += batchSize) {
    await db.insertInto('transactions').values(rows.transactions.slice(i, i + batchSize)).execute();
  }
}

export async function insertTransaction(db: Db, row: TransactionRow): Promise<void> {
  await db.insertInto('transactions').values(row).execute();
}

export async function findTransactionById(db: Db, id: string): Promise<TransactionRow | undefined> {
  return db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sum of amounts per account and status (Booked, Pending). */
export async function sumByAccountAndStatus(db: Db, accountIds: readonly string[]): Promise<{ account_id: string; status: TransactionStatus; total: number }[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('transactions')
    .select(['account_id', 'status', sql<number>`coalesce(sum(amount_minor), 0)`.as('total')])
    .where('account_id', 'in', accountIds)
    .groupBy(['account_id', 'status'])
    .execute();
  return rows.map((row) => ({ account_id: row.account_id, status: row.status, total: Number(row.total) }));
}

export interface TransactionQuery {
  readonly accountIds: readonly string[];
  /** booked_at ≥ from (ms since the epoch). */
  readonly from?: number;
  /** booked_at ≤ to (ms since the epoch). */
  readonly to?: number;
}

function whereQuery(db: Db, query: TransactionQuery) {
  let select = db.selectFrom('transactions').where('account_id', 'in', query.accountIds.length > 0 ? [...query.accountIds] : ['']);
  if (query.from !== undefined) select = select.where('booked_at', '>=', query.from);
  if (query.to !== undefined) select = select.where('booked_at', '<=', query.to);
  return select;
}

/** Transactions of the accounts in the booked_at range, newest first. */
export async function selectTransactions(db: Db, query: TransactionQuery & { limit: number; offset: number }): Promise<TransactionRow[]> {
  return whereQuery(db, query).selectAll().orderBy('booked_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
}

export async function countTransactionsOf(db: Db, query: TransactionQuery): Promise<number> {
  const row = await whereQuery(db, query).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
