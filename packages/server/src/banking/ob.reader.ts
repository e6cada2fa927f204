import type { DataCategory } from '@parley/protocol';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import type { ConsentRow, InstitutionRow } from './banking.table';
import { connectorOf } from './ob.connector';
import { checkBankAnswer, ObAccounts, ObBalances, ObTransactions } from './ob.schemas';
import { accessFor, GrantGoneError } from './token.service';

export interface AccountData {
  readonly bankAccountId: string;
  readonly name: string;
  readonly type: string;
  readonly currency: string;
  readonly identification: string | null;
}
export interface BalanceData {
  readonly bankAccountId: string;
  readonly type: string;
  readonly amount: string;
  readonly currency: string;
  readonly at: number;
}
export interface TransactionData {
  readonly bankAccountId: string;
  readonly id: string;
  readonly bookedAt: number;
  readonly status: string;
  readonly amount: string;
  readonly currency: string;
  readonly description: string | null;
  readonly merchant: string | null;
  readonly category: string | null;
}

/**
 * Financial data as Parley keeps it, whatever the bank's shape: what the gate returns. A
 * `balances` read of every account carries the accounts (names, types) beside their balances; a
 * read of one account by id carries its balances only (`accounts` empty): its caller already
 * knows the account, and the bank is called once instead of twice.
 */
export type FinancialData =
  | { readonly kind: 'accounts'; readonly accounts: readonly AccountData[] }
  | { readonly kind: 'balances'; readonly accounts: readonly AccountData[]; readonly balances: readonly BalanceData[] }
  | { readonly kind: 'transactions'; readonly transactions: readonly TransactionData[] };

const signed = (amount: { Amount: string }, indicator: 'Credit' | 'Debit') => (indicator === 'Debit' ? `-${amount.Amount}` : amount.Amount);
const instant = (text: string) => {
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new AppError('ERR_BANK_BAD_RESPONSE', { message: `The bank sent a date Parley cannot read: "${text.slice(0, 40)}".` });
  return at;
};

type Access = Awaited<ReturnType<typeof accessFor>>;

async function getOb(ctx: ServerContext, input: { institution: InstitutionRow; access: Access; path: string }): Promise<unknown> {
  const { accessToken, dpop } = input.access;
  const answer = await connectorOf(ctx).obRequest(input.institution, { path: input.path, method: 'GET', accessToken, dpop });
  // 403: the bank no longer lets this consent read (revoked there, or the account unshared).
  if (answer.status === 403) throw new GrantGoneError('403');
  if (answer.status === 404) throw new AppError('ERR_NOT_FOUND');
  if (answer.status !== 200) throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${input.institution.name} answered ${answer.status}.` });
  return answer.json;
}

function accountsOf(json: unknown): AccountData[] {
  return checkBankAnswer(ObAccounts, json, 'account list').Data.Account.map((account) => ({
    bankAccountId: account.AccountId,
    name: account.Nickname ?? account.Description ?? account.AccountId,
    type: account.AccountTypeCode ?? 'unknown',
    currency: account.Currency,
    identification: account.Account?.[0]?.Identification ?? null,
  }));
}

function balancesOf(json: unknown): BalanceData[] {
  return checkBankAnswer(ObBalances, json, 'balances').Data.Balance.map((balance) => ({
    bankAccountId: balance.AccountId,
    type: balance.Type,
    amount: signed(balance.Amount, balance.CreditDebitIndicator),
    currency: balance.Amount.Currency,
    at: instant(balance.DateTime),
  }));
}

/** How far back Parley reads transactions (the Money panel shows 30 days of spending), and at most how many pages. */
export const transactionWindowMs = 60 * 24 * 60 * 60_000;
const maxTransactionPages = 10;

function transactionsOf(page: ObTransactions): TransactionData[] {
  return page.Data.Transaction.map((row, index) => ({
    bankAccountId: row.AccountId,
    id: row.TransactionId ?? `${row.BookingDateTime}-${index}`,
    bookedAt: instant(row.BookingDateTime),
    status: row.Status,
    amount: signed(row.Amount, row.CreditDebitIndicator),
    currency: row.Amount.Currency,
    description: row.TransactionInformation ?? null,
    merchant: row.MerchantDetails?.MerchantName ?? null,
    category: row.ProprietaryBankTransactionCode?.Code ?? null,
  }));
}

/**
 * The window's transactions, following the bank's Links.Next — only to another page of the same
 * API (a link elsewhere is the bank's answer being wrong, not a place to send the token).
 */
async function transactionPages(ctx: ServerContext, input: { institution: InstitutionRow; access: Access; first: string }): Promise<TransactionData[]> {
  const from = new Date(ctx.clock.now() - transactionWindowMs).toISOString().slice(0, 19);
  let path: string | undefined = `${input.first}?fromBookingDateTime=${from}`;
  const transactions: TransactionData[] = [];
  for (let page = 0; path !== undefined && page < maxTransactionPages; page++) {
    const answer: ObTransactions = checkBankAnswer(ObTransactions, await getOb(ctx, { institution: input.institution, access: input.access, path }), 'transactions');
    transactions.push(...transactionsOf(answer));
    const next: string | undefined = answer.Links?.Next;
    if (next !== undefined && !next.startsWith(`${input.institution.ob_base_url}/`)) throw new AppError('ERR_BANK_BAD_RESPONSE', { message: 'The bank linked the next page outside its API.' });
    path = next?.slice(input.institution.ob_base_url.length);
  }
  return transactions;
}

/** Read one category from the bank for one consent (one account, or all), schema-checked and normalised. */
export async function fetchFromBank(
  ctx: ServerContext,
  input: { consent: ConsentRow; institution: InstitutionRow; category: DataCategory; bankAccountId: string | undefined },
): Promise<FinancialData> {
  const base = input.bankAccountId === undefined ? '' : `/accounts/${encodeURIComponent(input.bankAccountId)}`;
  // One token for every call of this read (it is live for at least refreshMarginMs more).
  const access = await accessFor(ctx, input);
  const get = (path: string) => getOb(ctx, { institution: input.institution, access, path });
  switch (input.category) {
    case 'account_details':
      return { kind: 'accounts', accounts: accountsOf(await get(base || '/accounts')) };
    case 'balances': {
      if (input.bankAccountId !== undefined) return { kind: 'balances', accounts: [], balances: balancesOf(await get(`${base}/balances`)) };
      // Both lists at once: one round trip to the bank instead of two.
      const [accountList, balanceList] = await Promise.all([get('/accounts'), get('/balances')]);
      const accounts = accountsOf(accountList).map((account) => ({ bankAccountId: account.bankAccountId, name: account.name, type: account.type, currency: account.currency, identification: null }));
      return { kind: 'balances', accounts, balances: balancesOf(balanceList) };
    }
    case 'transactions':
      return { kind: 'transactions', transactions: await transactionPages(ctx, { institution: input.institution, access, first: `${base}/transactions` }) };
  }
}
