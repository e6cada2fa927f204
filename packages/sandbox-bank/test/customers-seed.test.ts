import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMinor, generateHistory, getBalances, listTransactions, recentTransactions } from '../src/customers';
import { findCustomerByUsername } from '../src/customers';
import { verifyPassword } from '../src/customers/password';
import { startTestBank, type TestBank } from './bank-fixtures';

const end = Date.UTC(2026, 10, 1);

async function dump(bank: TestBank) {
  const db = bank.ctx.db;
  return {
    customers: await db.selectFrom('customers').select(['id', 'username', 'display_name', 'home_country', 'created_at']).orderBy('id').execute(),
    accounts: await db.selectFrom('accounts').selectAll().orderBy('id').execute(),
    transactions: await db.selectFrom('transactions').selectAll().orderBy('id').execute(),
  };
}

describe('the seeded demo bank', () => {
  let first: TestBank;
  let second: TestBank;
  let other: TestBank;
  beforeAll(async () => {
    [first, second, other] = await Promise.all([
      startTestBank({ config: { seed: 'demo', historyEnd: end } }),
      startTestBank({ config: { seed: 'demo', historyEnd: end } }),
      startTestBank({ config: { seed: 'another', historyEnd: end } }),
    ]);
  });
  afterAll(() => Promise.all([first, second, other].map((bank) => bank.stop())));

  it('stores the same customers, accounts and transactions for the same seed and end', async () => {
    const [a, b] = await Promise.all([dump(first), dump(second)]);
    expect(a.transactions.length).toBeGreaterThan(1000);
    expect(b).toEqual(a);
  });

  it('makes a different bank from a different seed', async () => {
    const [a, c] = await Promise.all([dump(first), dump(other)]);
    expect(c.customers.map((row) => row.id)).not.toEqual(a.customers.map((row) => row.id));
    expect(c.transactions.map((row) => row.amount_minor)).not.toEqual(a.transactions.map((row) => row.amount_minor));
  });

  it('is a pure function of seed and end, and a later end moves the history', () => {
    expect(generateHistory({ seed: 'demo', end })).toEqual(generateHistory({ seed: 'demo', end }));
    const later = generateHistory({ seed: 'demo', end: end + 86_400_000 });
    expect(later.transactions.map((row) => row.booked_at)).not.toEqual(generateHistory({ seed: 'demo', end }).transactions.map((row) => row.booked_at));
  });

  it('gives alice and bob a current account, a savings account and a credit card they can sign in with', async () => {
    for (const [username, password] of [['alice', 'alice-sandbox'], ['bob', 'bob-sandbox']] as const) {
      const customer = await findCustomerByUsername(first.ctx.db, username);
      expect(customer).toBeDefined();
      expect(await verifyPassword(password, customer!.password_hash)).toBe(true);
      const balances = await getBalances(first.ctx, customer!.id);
      // In the order they were opened: current account, saver, credit card.
      expect(balances.map((balance) => balance.account.kind)).toEqual(['checking', 'savings', 'credit_card']);
      const card = balances.find((balance) => balance.account.kind === 'credit_card')!.account;
      expect(card.scheme).toBe('UK.OBIE.PAN');
      expect(card.identification).toMatch(/^\d{6}\*{6}\d{4}$/);
      expect(card.credit_limit_minor).toBeGreaterThan(0);
      const current = balances.find((balance) => balance.account.kind === 'checking')!.account;
      expect(current.identification).toMatch(/^\d{14}$/);
      expect(current.mask).toBe(current.identification.slice(-4));
    }
  });

  it('has balances equal to the sum of booked transactions and to the last running balance', async () => {
    const alice = (await findCustomerByUsername(first.ctx.db, 'alice'))!;
    for (const balance of await getBalances(first.ctx, alice.id)) {
      const rows = await listTransactions(first.ctx, { accountIds: [balance.account.id], limit: 10_000 });
      const booked = rows.filter((row) => row.status === 'Booked');
      const pending = rows.filter((row) => row.status === 'Pending');
      expect(balance.bookedMinor).toBe(booked.reduce((sum, row) => sum + row.amount_minor, 0));
      expect(booked[0]!.balance_after_minor).toBe(balance.bookedMinor);
      // Each running balance is the one before plus the amount (rows are newest first).
      for (let i = 0; i < booked.length - 1; i++) expect(booked[i]!.balance_after_minor).toBe(booked[i + 1]!.balance_after_minor! + booked[i]!.amount_minor);
      const pendingTotal = pending.reduce((sum, row) => sum + row.amount_minor, 0);
      const limit = balance.account.kind === 'credit_card' ? balance.account.credit_limit_minor : 0;
      expect(balance.availableMinor).toBe(limit + balance.bookedMinor + pendingTotal);
    }
  });

  it('has salary, rent, bills, groceries, travel abroad, refunds, and pending and booked payments', async () => {
    const alice = (await findCustomerByUsername(first.ctx.db, 'alice'))!;
    const rows = await recentTransactions(first.ctx, alice.id, 10_000);
    const categories = new Set(rows.map((row) => row.category));
    for (const category of ['salary', 'rent', 'utilities', 'subscriptions', 'groceries', 'eating_out', 'transport', 'travel', 'refund', 'transfer', 'interest', 'card_repayment']) {
      expect(categories, category).toContain(category);
    }
    expect(rows.filter((row) => row.category === 'salary')).toHaveLength(18);
    expect(rows.some((row) => row.country !== null && row.country !== 'GB' && row.category === 'travel')).toBe(true);
    expect(rows.filter((row) => row.category === 'refund').every((row) => row.amount_minor > 0)).toBe(true);
    const pending = rows.filter((row) => row.status === 'Pending');
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((row) => row.booked_at >= end - 3 * 86_400_000 && row.merchant_category_code !== null)).toBe(true);
    expect(rows[0]!.booked_at).toBeLessThan(end);
    expect(rows.at(-1)!.booked_at).toBeGreaterThanOrEqual(Date.UTC(2025, 4, 1));
    expect(rows.filter((row) => row.merchant_name === 'Tesco' || row.merchant_name === "Sainsbury's").every((row) => row.merchant_category_code === '5411')).toBe(true);
  });

  it('pages transactions newest first within a booking date range', async () => {
    const alice = (await findCustomerByUsername(first.ctx.db, 'alice'))!;
    const accountIds = (await getBalances(first.ctx, alice.id)).map((balance) => balance.account.id);
    const from = Date.UTC(2026, 8, 1);
    const to = Date.UTC(2026, 8, 30, 23, 59, 59);
    const page1 = await listTransactions(first.ctx, { accountIds, from, to, limit: 20, offset: 0 });
    const page2 = await listTransactions(first.ctx, { accountIds, from, to, limit: 20, offset: 20 });
    expect(page1).toHaveLength(20);
    expect(page1.every((row) => row.booked_at >= from && row.booked_at <= to)).toBe(true);
    expect(page1[19]!.booked_at).toBeGreaterThanOrEqual(page2[0]!.booked_at);
    expect(page1.map((row) => row.booked_at)).toEqual([...page1.map((row) => row.booked_at)].sort((a, b) => b - a));
  });

  it('formats minor units as decimal strings', () => {
    expect(formatMinor(-1250, 'GBP')).toBe('-12.50');
    expect(formatMinor(5, 'GBP')).toBe('0.05');
    expect(formatMinor(345000, 'GBP')).toBe('3450.00');
    expect(formatMinor(-1200, 'JPY')).toBe('-1200');
  });
});
