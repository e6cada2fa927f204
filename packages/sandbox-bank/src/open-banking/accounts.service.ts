import type { BankContext } from '../context';
import { findCustomerById, getBalances, listAccounts } from '../customers';
import { consentTransactionSpan, countConsentTransactions, selectConsentTransactions, type ConsentTransactionQuery } from './consent-data.repository';
import type { ConsentGrant } from './consent.service';
import { badRequest, forbidden, obErrorCodes } from './ob-error';
import { accountResource, balanceResources, obDateTime, transactionResource } from './ob-resources';

/** Transactions per page; Links.Next/Prev/First/Last walk the rest. */
export const transactionPageSize = 50;

export interface TransactionFilter {
  readonly from?: number;
  readonly to?: number;
  readonly page: number;
}

/** OBReadAccount6 of the shared accounts asked for. Needs ReadAccountsBasic or ReadAccountsDetail. */
export async function accountResources(ctx: BankContext, grant: ConsentGrant, input: { accountIds: readonly string[]; self: string }): Promise<Record<string, unknown>> {
  if (grant.access.accounts === 'none') throw forbidden(obErrorCodes.forbidden, 'This consent does not include ReadAccountsBasic or ReadAccountsDetail.');
  const customer = await findCustomerById(ctx.db, grant.customerId);
  const accounts = (await listAccounts(ctx, grant.customerId)).filter((account) => input.accountIds.includes(account.id));
  const holderName = customer?.display_name ?? 'Account holder';
  return {
    Data: { Account: accounts.map((account) => accountResource(account, { access: grant.access, holderName })) },
    Links: { Self: input.self },
    Meta: { TotalPages: 1 },
  };
}

/** OBReadBalance1 of the shared accounts asked for. Needs ReadBalances. */
export async function balanceList(ctx: BankContext, grant: ConsentGrant, input: { accountIds: readonly string[]; self: string }): Promise<Record<string, unknown>> {
  if (!grant.access.balances) throw forbidden(obErrorCodes.forbidden, 'This consent does not include ReadBalances.');
  const now = ctx.clock.now();
  const balances = await getBalances(ctx, grant.customerId, input.accountIds);
  return { Data: { Balance: balances.flatMap((balance) => balanceResources(balance, now)) }, Links: { Self: input.self }, Meta: { TotalPages: 1 } };
}

function withPage(self: string, page: number): string {
  const url = new URL(self);
  url.searchParams.set('page', String(page));
  return url.href;
}

/** The query a consent allows: its accounts, its TransactionFrom/To window narrowed by the request's, its directions. */
function queryOf(grant: ConsentGrant, accountIds: readonly string[], filter: TransactionFilter): ConsentTransactionQuery {
  const { consent, access } = grant;
  const bound = (a: number | null | undefined, b: number | undefined, pick: (x: number, y: number) => number) => (a == null ? b : b === undefined ? a : pick(a, b));
  return {
    accountIds,
    from: bound(consent.transaction_from, filter.from, Math.max),
    to: bound(consent.transaction_to, filter.to, Math.min),
    direction: access.credits && access.debits ? 'both' : access.credits ? 'credits' : 'debits',
  };
}

/**
 * One page of OBReadTransaction6, newest first. Needs ReadTransactionsBasic or Detail; only
 * credits with ReadTransactionsCredits alone (only debits with Debits alone); never outside the
 * consent's TransactionFrom/ToDateTime.
 */
export async function transactionPage(
  ctx: BankContext,
  grant: ConsentGrant,
  input: { accountIds: readonly string[]; filter: TransactionFilter; self: string },
): Promise<Record<string, unknown>> {
  if (grant.access.transactions === 'none') throw forbidden(obErrorCodes.forbidden, 'This consent does not include ReadTransactionsBasic or ReadTransactionsDetail.');
  const query = queryOf(grant, input.accountIds, input.filter);
  const total = query.from !== undefined && query.to !== undefined && query.from > query.to ? 0 : await countConsentTransactions(ctx.db, query);
  const totalPages = Math.max(1, Math.ceil(total / transactionPageSize));
  const { page } = input.filter;
  if (page > totalPages) throw badRequest(obErrorCodes.fieldInvalid, `There are ${totalPages} pages.`, 'page');
  const rows = total === 0 ? [] : await selectConsentTransactions(ctx.db, { accountIds: query.accountIds, from: query.from, to: query.to, direction: query.direction, limit: transactionPageSize, offset: (page - 1) * transactionPageSize });
  const span = total === 0 ? { first: null, last: null } : await consentTransactionSpan(ctx.db, query);
  return {
    Data: { Transaction: rows.map((row) => transactionResource(row, grant.access)) },
    Links: {
      Self: input.self,
      First: withPage(input.self, 1),
      Last: withPage(input.self, totalPages),
      ...(page > 1 ? { Prev: withPage(input.self, page - 1) } : {}),
      ...(page < totalPages ? { Next: withPage(input.self, page + 1) } : {}),
    },
    Meta: {
      TotalPages: totalPages,
      ...(span.first !== null ? { FirstAvailableDateTime: obDateTime(span.first) } : {}),
      ...(span.last !== null ? { LastAvailableDateTime: obDateTime(span.last) } : {}),
    },
  };
}
