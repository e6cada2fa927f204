import type { BankContext } from '../context';
import { countTransactionsOf, listAccountsOfCustomer, selectTransactions, sumByAccountAndStatus, type TransactionQuery } from './customer.repository';
import type { AccountRow, TransactionRow } from './customers.table';

/** What an account holds: booked (settled) and available, in minor units. */
export interface AccountBalance {
  readonly account: AccountRow;
  /** Sum of Booked transactions; negative on a credit card means money owed. */
  readonly bookedMinor: number;
  /** Current and savings: booked less pending payments. Credit card: the credit still available. */
  readonly availableMinor: number;
  readonly currency: string;
}

export async function listAccounts(ctx: BankContext, customerId: string): Promise<AccountRow[]> {
  return listAccountsOfCustomer(ctx.db, customerId);
}

/** The customer's accounts with their balances; only those in `onlyAccountIds` when given (the others are not summed). */
export async function getBalances(ctx: BankContext, customerId: string, onlyAccountIds?: readonly string[]): Promise<AccountBalance[]> {
  const all = await listAccountsOfCustomer(ctx.db, customerId);
  const accounts = onlyAccountIds === undefined ? all : all.filter((account) => onlyAccountIds.includes(account.id));
  const sums = await sumByAccountAndStatus(
    ctx.db,
    accounts.map((account) => account.id),
  );
  const total = (accountId: string, status: string): number => sums.find((row) => row.account_id === accountId && row.status === status)?.total ?? 0;
  return accounts.map((account) => {
    const bookedMinor = total(account.id, 'Booked');
    // Pending card payments are negative: they reduce what can be spent until they settle.
    const pendingMinor = total(account.id, 'Pending');
    const availableMinor = account.kind === 'credit_card' ? account.credit_limit_minor + bookedMinor + pendingMinor : bookedMinor + pendingMinor;
    return { account, bookedMinor, availableMinor, currency: account.currency };
  });
}

/** Transactions of the accounts, newest first, booked_at within [from, to] (ms since the epoch) when given. */
export async function listTransactions(ctx: BankContext, query: TransactionQuery & { limit: number; offset?: number }): Promise<TransactionRow[]> {
  return selectTransactions(ctx.db, Object.assign({}, query, { offset: query.offset ?? 0 }));
}

/** How many transactions listTransactions would page through (for paging links). */
export async function countTransactions(ctx: BankContext, query: TransactionQuery): Promise<number> {
  return countTransactionsOf(ctx.db, query);
}

/** The customer's latest transactions across all their accounts, newest first. */
export async function recentTransactions(ctx: BankContext, customerId: string, limit: number): Promise<TransactionRow[]> {
  const accounts = await listAccountsOfCustomer(ctx.db, customerId);
  return selectTransactions(ctx.db, { accountIds: accounts.map((account) => account.id), limit, offset: 0 });
}

// ISO 4217 minor units for the currencies that do not use two.
const exponents: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

/**
 * A minor-unit amount as a decimal string, as Open Banking and people read it.
 *
 * @example
 * formatMinor(-1250, 'GBP') // "-12.50"
 */
export function formatMinor(amountMinor: number, currency: string): string {
  const exponent = exponents[currency.toUpperCase()] ?? 2;
  const sign = amountMinor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(amountMinor))).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
