import type { BusinessContent } from '@parley/sdk';
import type { BankContext } from '../context';
import { formatMinor, getBalances, recentTransactions, type TransactionRow } from '../customers';
import { text } from './bot.replies';

/** Protocol labels are bounded; a long statement line is cut, never refused. */
const clip = (value: string, max: number): string => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);
const isoDate = (at: number): string => new Date(at).toISOString().slice(0, 10);

/** The customer's accounts as a balance card: decimal strings from minor units, never floats. */
export async function balanceAnswer(ctx: BankContext, customerId: string): Promise<BusinessContent[]> {
  const balances = await getBalances(ctx, customerId);
  if (balances.length === 0) return [text("You don't have any accounts with Sandbox Bank yet.")];
  const accounts = balances.slice(0, 20).map(({ account, bookedMinor, availableMinor, currency }) => ({
    name: clip(account.name, 80),
    ...(/^[0-9]{4}$/.test(account.mask) ? { mask: account.mask } : {}),
    balance: { amount: formatMinor(bookedMinor, currency), currency },
    ...(availableMinor !== bookedMinor ? { available: { amount: formatMinor(availableMinor, currency), currency } } : {}),
  }));
  return [{ contentType: 'template.balance', accounts, asOf: new Date(ctx.clock.now()).toISOString() }];
}

/** One statement line as the transactions template shows it; Rejected ones are not shown. */
export function transactionLine(row: TransactionRow) {
  return {
    id: clip(row.id, 100),
    date: isoDate(row.booked_at),
    merchant: clip(row.merchant_name ?? row.description, 100),
    amount: { amount: formatMinor(row.amount_minor, row.currency), currency: row.currency },
    status: row.status === 'Pending' ? ('pending' as const) : ('booked' as const),
    ...(row.category ? { category: clip(row.category.replace(/_/g, ' '), 50) } : {}),
  };
}

export async function transactionsAnswer(ctx: BankContext, customerId: string): Promise<BusinessContent[]> {
  const rows = (await recentTransactions(ctx, customerId, 15)).filter((row) => row.status !== 'Rejected').slice(0, 10);
  if (rows.length === 0) return [text('There are no transactions on your accounts yet.')];
  return [{ contentType: 'template.transactions', title: 'Recent transactions', transactions: rows.map(transactionLine) }];
}
