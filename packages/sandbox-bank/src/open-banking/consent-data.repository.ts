import type { Kysely } from 'kysely';
import type { BankTables } from '../database';
import type { TransactionRow } from '../customers';

type Db = Kysely<BankTables>;

/**
 * The transactions a consent lets a client page through. The customers domain's listTransactions
 * has no credit/debit filter, and a consent with ReadTransactionsCredits alone must page over
 * credits only (or pages would have holes), so this reads the same table with that filter, in
 * the same order (newest first, id breaking ties) so pages never overlap.
 */
export interface ConsentTransactionQuery {
  readonly accountIds: readonly string[];
  readonly from?: number;
  readonly to?: number;
  readonly direction: 'both' | 'credits' | 'debits';
}

function where(db: Db, query: ConsentTransactionQuery) {
  let select = db.selectFrom('transactions').where('account_id', 'in', query.accountIds.length > 0 ? [...query.accountIds] : ['']);
  if (query.from !== undefined) select = select.where('booked_at', '>=', query.from);
  if (query.to !== undefined) select = select.where('booked_at', '<=', query.to);
  if (query.direction === 'credits') select = select.where('amount_minor', '>', 0);
  if (query.direction === 'debits') select = select.where('amount_minor', '<', 0);
  return select;
}

export async function selectConsentTransactions(db: Db, query: ConsentTransactionQuery & { limit: number; offset: number }): Promise<TransactionRow[]> {
  return where(db, query).selectAll().orderBy('booked_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
}

export async function countConsentTransactions(db: Db, query: ConsentTransactionQuery): Promise<number> {
  const row = await where(db, query)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The earliest and latest booking time among those transactions (Meta.First/LastAvailableDateTime). */
export async function consentTransactionSpan(db: Db, query: ConsentTransactionQuery): Promise<{ first: number | null; last: number | null }> {
  const row = await where(db, query)
    .select((eb) => [eb.fn.min('booked_at').as('first'), eb.fn.max('booked_at').as('last')])
    .executeTakeFirst();
  return { first: row?.first == null ? null : Number(row.first), last: row?.last == null ? null : Number(row.last) };
}
