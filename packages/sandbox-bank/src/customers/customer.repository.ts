import type { Kysely } from 'kysely';
import type { BankTables } from '../database';
import type { AccountRow, CustomerRow } from './customers.table';

type Db = Kysely<BankTables>;

export async function findCustomerByUsername(db: Db, username: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findCustomerById(db: Db, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccountsOfCustomer(db: Db, customerId: string): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('customer_id', '=', customerId).orderBy('opened_at').orderBy('id').execute();
}
