import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCustomerByUsername, listAccounts, type AccountRow } from '../src/customers';
import { aispClient, type AispConnection, type AispTokens } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';
import { assertMatchesSchema, obCall, obCreateConsent, obLink } from './openapi-validator';

const alice = { username: 'alice', password: 'alice-sandbox' };
const everything = ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsBasic', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'];

describe('Open Banking accounts, balances and transactions under a consent', () => {
  let bank: TestBank;
  let parley: AispConnection;
  let accounts: Record<AccountRow['kind'], AccountRow>;
  let bobsAccount: AccountRow;
  let full: AispTokens;
  let creditsOfChecking: AispTokens;

  const accountsOf = async (username: string) => {
    const customer = await findCustomerByUsername(bank.ctx.db, username);
    return listAccounts(bank.ctx, customer?.id ?? '');
  };
  const countInDb = async (accountId: string, from = 0, to = Number.MAX_SAFE_INTEGER) => {
    const row = await bank.ctx.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('booked_at', '>=', from)
      .where('booked_at', '<=', to)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  beforeAll(async () => {
    const client = await aispClient();
    bank = await startTestBank({ config: { clients: [client.client], seed: 'open-banking', historyEnd: Date.UTC(2026, 9, 1) } });
    parley = await client.connect(bank.url);
    accounts = Object.fromEntries((await accountsOf('alice')).map((account) => [account.kind, account])) as typeof accounts;
    bobsAccount = (await accountsOf('bob'))[0] as AccountRow;
    full = await obLink(parley, alice, everything);
    creditsOfChecking = await obLink(parley, { ...alice, accountIds: [accounts.checking.id] }, ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsCredits']);
  });
  afterAll(() => bank.stop());

  it('shows account numbers only with ReadAccountsDetail, and card numbers masked unless ReadPAN', async () => {
    const detail = await obCall(parley, '/accounts', { accessToken: full.accessToken });
    const byId = new Map(detail.body.Data.Account.map((account: { AccountId: string }) => [account.AccountId, account]));
    expect(byId.get(accounts.checking.id)).toMatchObject({ AccountTypeCode: 'CACC', Account: [{ SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: accounts.checking.identification, Name: 'Alice Example' }] });
    const card = byId.get(accounts.credit_card.id) as { Account: { Identification: string }[] };
    expect(card.Account[0]?.Identification).toMatch(new RegExp(`^\\*{12}${accounts.credit_card.mask}$`));

    const withPan = await obLink(parley, { ...alice, accountIds: [accounts.credit_card.id] }, ['ReadAccountsDetail', 'ReadPAN']);
    const unmasked = await obCall(parley, `/accounts/${accounts.credit_card.id}`, { accessToken: withPan.accessToken });
    // The bank itself keeps a card number truncated (first six, last four); ReadPAN shows what it has.
    expect(unmasked.body.Data.Account[0].Account[0]).toEqual({ SchemeName: 'UK.OBIE.PAN', Identification: accounts.credit_card.identification, Name: 'Alice Example' });

    const basic = await obCall(parley, '/accounts', { accessToken: creditsOfChecking.accessToken });
    expect(basic.body.Data.Account).toHaveLength(1);
    for (const account of basic.body.Data.Account) assertMatchesSchema('OBAccount6Basic', account);
    expect(basic.body.Data.Account[0]).not.toHaveProperty('Account');
  });

  it('shows only the accounts the customer chose: another account is 403, even the same customer’s', async () => {
    const token = { accessToken: creditsOfChecking.accessToken };
    expect((await obCall(parley, `/accounts/${accounts.checking.id}`, token)).body.Data.Account[0].AccountId).toBe(accounts.checking.id);
    for (const path of [`/accounts/${accounts.savings.id}`, `/accounts/${accounts.savings.id}/transactions`, `/accounts/${bobsAccount.id}`, `/accounts/${bobsAccount.id}/transactions`, '/accounts/no-such-account']) {
      const refused = await obCall(parley, path, token);
      expect(refused.status, path).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(bobsAccount.identification);
    }
    const bulk = await obCall(parley, '/transactions', token);
    expect(new Set(bulk.body.Data.Transaction.map((transaction: { AccountId: string }) => transaction.AccountId))).toEqual(new Set([accounts.checking.id]));
  });

  it('gives balances only with ReadBalances', async () => {
    const balances = await obCall(parley, '/balances', { accessToken: full.accessToken });
    expect(balances.body.Data.Balance).toHaveLength(6);
    const card = await obCall(parley, `/accounts/${accounts.credit_card.id}/balances`, { accessToken: full.accessToken });
    expect(card.body.Data.Balance.map((balance: { Type: string }) => balance.Type)).toEqual(['ITBD', 'ITAV']);
    expect(card.body.Data.Balance[1].CreditLine[0].Amount.Amount).toMatch(/^\d+\.\d{2}$/);

    for (const path of ['/balances', `/accounts/${accounts.checking.id}/balances`]) {
      const refused = await obCall(parley, path, { accessToken: creditsOfChecking.accessToken });
      expect(refused.status).toBe(403);
    }
    const noAccounts = await obLink(parley, alice, ['ReadBalances']);
    expect((await obCall(parley, '/accounts', { accessToken: noAccounts.accessToken })).status).toBe(403);
    expect((await obCall(parley, '/transactions', { accessToken: noAccounts.accessToken })).status).toBe(403);
  });

  it('gives transaction details only with ReadTransactionsDetail, and only credits with ReadTransactionsCredits alone', async () => {
    const basic = (await obCall(parley, `/accounts/${accounts.checking.id}/transactions`, { accessToken: creditsOfChecking.accessToken })).body.Data.Transaction;
    expect(basic.length).toBeGreaterThan(0);
    for (const transaction of basic) {
      assertMatchesSchema('OBTransaction6Basic', transaction);
      expect(transaction.CreditDebitIndicator).toBe('Credit');
      expect(transaction).not.toHaveProperty('TransactionInformation');
      expect(transaction).not.toHaveProperty('MerchantDetails');
      expect(transaction).not.toHaveProperty('Balance');
    }
    const detail = (await obCall(parley, `/accounts/${accounts.checking.id}/transactions`, { accessToken: full.accessToken })).body.Data.Transaction;
    expect(detail.every((transaction: { TransactionInformation?: string }) => typeof transaction.TransactionInformation === 'string')).toBe(true);
    expect(detail.some((transaction: { CreditDebitIndicator: string }) => transaction.CreditDebitIndicator === 'Debit')).toBe(true);
    expect(detail.some((transaction: { MerchantDetails?: unknown }) => transaction.MerchantDetails)).toBe(true);
    expect(detail.every((transaction: { Amount: { Amount: string } }) => /^\d{1,13}\.\d{2}$/.test(transaction.Amount.Amount))).toBe(true);
  });

  it('pages through every transaction of an account once: Next links, no duplicates, no gaps', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/accounts/${accounts.checking.id}/transactions`;
    let pages = 0;
    let totalPages = 0;
    let previousOldest = Number.POSITIVE_INFINITY;
    while (path) {
      const page = await obCall(parley, path, { accessToken: full.accessToken });
      pages += 1;
      totalPages = page.body.Meta.TotalPages;
      const times = page.body.Data.Transaction.map((transaction: { BookingDateTime: string }) => Date.parse(transaction.BookingDateTime));
      expect(Math.max(...times)).toBeLessThanOrEqual(previousOldest);
      previousOldest = Math.min(...times);
      seen.push(...page.body.Data.Transaction.map((transaction: { TransactionId: string }) => transaction.TransactionId));
      if (pages > 1) expect(page.body.Links.Prev).toBeDefined();
      const next: string | undefined = page.body.Links.Next;
      if (!next) expect(page.body.Links.Last).toBe(page.body.Links.Self);
      path = next ? next.slice(next.indexOf('/accounts/')) : undefined;
    }
    expect(totalPages).toBeGreaterThan(2);
    expect(pages).toBe(totalPages);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await countInDb(accounts.checking.id));
  });

  it('filters by booking date, keeps the filter in the paging links, and never reads outside the consent’s window', async () => {
    const from = Date.UTC(2026, 6, 1);
    const to = Date.UTC(2026, 7, 1) - 1;
    const first = await obCall(parley, `/accounts/${accounts.checking.id}/transactions?fromBookingDateTime=2026-07-01T00:00:00&toBookingDateTime=2026-07-31T23:59:59.999`, { accessToken: full.accessToken });
    const all = [...first.body.Data.Transaction];
    if (first.body.Links.Next) {
      expect(first.body.Links.Next).toContain('fromBookingDateTime=2026-07-01');
      all.push(...(await obCall(parley, first.body.Links.Next.slice(first.body.Links.Next.indexOf('/accounts/')), { accessToken: full.accessToken })).body.Data.Transaction);
    }
    expect(all.length).toBe(await countInDb(accounts.checking.id, from, to));
    expect(all.every((transaction: { BookingDateTime: string }) => Date.parse(transaction.BookingDateTime) >= from && Date.parse(transaction.BookingDateTime) <= to)).toBe(true);

    const windowed = await obCreateConsent(parley, ['ReadTransactionsDetail', 'ReadTransactionsDebits'], { TransactionFromDateTime: '2026-08-01T00:00:00Z', TransactionToDateTime: '2026-08-15T00:00:00Z' });
    const tokens = await parley.authorize({ ...alice, consentId: windowed });
    const asked = await obCall(parley, '/transactions?fromBookingDateTime=2026-01-01&toBookingDateTime=2026-12-31', { accessToken: tokens.accessToken });
    const times = asked.body.Data.Transaction.map((transaction: { BookingDateTime: string }) => Date.parse(transaction.BookingDateTime));
    expect(times.length).toBeGreaterThan(0);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.UTC(2026, 7, 1));
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.UTC(2026, 7, 15));
    expect(asked.body.Data.Transaction.every((transaction: { CreditDebitIndicator: string }) => transaction.CreditDebitIndicator === 'Debit')).toBe(true);
  });

  it('answers a bad filter or page with 400 in OBErrorResponse1', async () => {
    const badDate = await obCall(parley, '/transactions?fromBookingDateTime=yesterday', { accessToken: full.accessToken });
    expect(badDate.status).toBe(400);
    expect(badDate.body.Errors[0]).toMatchObject({ ErrorCode: 'U003', Path: 'fromBookingDateTime' });
    const reversed = await obCall(parley, '/transactions?fromBookingDateTime=2026-02-01&toBookingDateTime=2026-01-01', { accessToken: full.accessToken });
    expect(reversed.status).toBe(400);
    const farPage = await obCall(parley, '/transactions?page=100000', { accessToken: full.accessToken });
    expect(farPage.body.Errors[0]).toMatchObject({ ErrorCode: 'U002', Path: 'page' });
    expect((await obCall(parley, '/transactions?page=0', { accessToken: full.accessToken })).status).toBe(400);
  });
});
