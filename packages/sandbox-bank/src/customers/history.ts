import type { AccountKind, AccountRow, CustomerRow, TransactionRow } from './customers.table';
import { dayMs, planDaily, planMonthly, planRecent, planTravel, type Balances, type CustomerProfile, type Planned, type Window } from './history.plan';
import { seededRandom, type Random } from './random';

export type { CustomerProfile } from './history.plan';

/** The demo customers; passwords are documented in the README. */
export const demoCustomers: readonly CustomerProfile[] = [
  { username: 'alice', displayName: 'Alice Example', password: 'alice-sandbox', homeCountry: 'GB', employer: 'Acme Robotics Ltd', salaryMinor: 345_000, landlord: 'Northside Lettings', rentMinor: 135_000, savingsMonthlyMinor: 30_000, creditLimitMinor: 500_000 },
  { username: 'bob', displayName: 'Bob Example', password: 'bob-sandbox', homeCountry: 'GB', employer: 'Harbour Logistics plc', salaryMinor: 326_000, landlord: 'Riverside Homes', rentMinor: 105_000, savingsMonthlyMinor: 20_000, creditLimitMinor: 300_000 },
  { username: 'carol', displayName: 'Carol Example', password: 'carol-sandbox', homeCountry: 'GB', employer: 'Northwind Studios', salaryMinor: 448_000, landlord: 'Cityscape Lettings', rentMinor: 165_000, savingsMonthlyMinor: 50_000, creditLimitMinor: 800_000 },
];

/** Card payments this close to the end of the history are still Pending. */
export const pendingWindowMs = 3 * dayMs;
const historyMonths = 18;

/** A customer as generated: the row without its password hash, and the demo password. */
export interface GeneratedCustomer {
  readonly row: Omit<CustomerRow, 'password_hash'>;
  readonly password: string;
}

export interface History {
  readonly customers: GeneratedCustomer[];
  readonly accounts: AccountRow[];
  readonly transactions: TransactionRow[];
}

/** Midnight UTC of the day `at` falls in. */
export function startOfUtcDay(at: number): number {
  const day = new Date(at);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}

function openAccounts(profile: CustomerProfile, customerId: string, rng: Random, openedAt: number): Record<AccountKind, AccountRow> {
  const sortCode = `60${rng.digits(4)}`;
  const current = rng.digits(8);
  const saver = rng.digits(8);
  const pan = `492913${rng.digits(6)}${rng.digits(4)}`;
  return {
    checking: { customer_id: customerId, currency: 'GBP', opened_at: openedAt, id: rng.id(), kind: 'checking', name: 'Everyday Current Account', scheme: 'UK.OBIE.SortCodeAccountNumber', identification: `${sortCode}${current}`, mask: current.slice(-4), credit_limit_minor: 0 },
    // Opened in this order (the saver and the card a few weeks later), so lists show them in this order too.
    savings: { customer_id: customerId, currency: 'GBP', opened_at: openedAt + 14 * dayMs, id: rng.id(), kind: 'savings', name: 'Easy Saver', scheme: 'UK.OBIE.SortCodeAccountNumber', identification: `${sortCode}${saver}`, mask: saver.slice(-4), credit_limit_minor: 0 },
    credit_card: {
      customer_id: customerId,
      currency: 'GBP',
      opened_at: openedAt + 45 * dayMs,
      id: rng.id(),
      kind: 'credit_card',
      name: 'Sandbox Rewards Credit Card',
      scheme: 'UK.OBIE.PAN',
      // A card number is never shown whole, not even to the account holder's apps.
      identification: `${pan.slice(0, 6)}******${pan.slice(-4)}`,
      mask: pan.slice(-4),
      credit_limit_minor: profile.creditLimitMinor,
    },
  };
}

/** Apply the plans in time order: amounts that depend on balances are computed here; recent card payments stay Pending. */
function post(input: { plans: Planned[]; accounts: Record<AccountKind, AccountRow>; rng: Random; window: Window }): TransactionRow[] {
  const balances: Balances = { checking: 0, savings: 0, credit_card: 0 };
  const lastAt: Balances = { checking: 0, savings: 0, credit_card: 0 };
  const rows: TransactionRow[] = [];
  const ordered = input.plans.map((plan, seq) => ({ plan, seq })).sort((a, b) => a.plan.at - b.plan.at || a.seq - b.seq);
  const leg = (kind: AccountKind, plan: Planned, amount: number, description: string): void => {
    // Distinct times per account keep "newest first" and the running balance in one order.
    const at = Math.max(plan.at, lastAt[kind] + 1);
    lastAt[kind] = at;
    const pending = plan.mcc !== undefined && at >= input.window.end - pendingWindowMs;
    if (!pending) balances[kind] += amount;
    rows.push({
      id: input.rng.id(),
      account_id: input.accounts[kind].id,
      amount_minor: amount,
      currency: 'GBP',
      status: pending ? 'Pending' : 'Booked',
      booked_at: at,
      value_at: at,
      description,
      merchant_name: plan.merchant ?? null,
      merchant_category_code: plan.mcc ?? null,
      category: plan.category,
      country: plan.country ?? null,
      balance_after_minor: pending ? null : balances[kind],
    });
  };
  for (const { plan } of ordered) {
    const amount = typeof plan.amount === 'number' ? plan.amount : plan.amount(balances);
    if (amount === 0) continue;
    leg(plan.account, plan, amount, plan.description);
    if (plan.counter) leg(plan.counter.account, Object.assign({}, plan, { merchant: undefined }), -amount, plan.counter.description);
  }
  return rows;
}

/**
 * The demo customers, their accounts and 18 months of history up to `end` (ms since the epoch),
 * as a pure function of (seed, end): the same inputs always give the same rows.
 */
export function generateHistory(input: { seed: string; end: number }): History {
  const end = input.end;
  const endDate = new Date(end);
  const start = startOfUtcDay(Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - historyMonths, endDate.getUTCDate()));
  const window: Window = { start, end };
  const root = seededRandom(`sandbox-bank/v1/${input.seed}`);
  const history: History = { customers: [], accounts: [], transactions: [] };
  for (const profile of demoCustomers) {
    const rng = root.fork(profile.username);
    const ids = rng.fork('ids');
    const openedAt = start - rng.int(60, 900) * dayMs;
    const customerId = ids.id();
    history.customers.push({
      row: { id: customerId, username: profile.username, display_name: profile.displayName, home_country: profile.homeCountry, created_at: openedAt },
      password: profile.password,
    });
    const accounts = openAccounts(profile, customerId, rng.fork('accounts'), openedAt);
    history.accounts.push(accounts.checking, accounts.savings, accounts.credit_card);
    const opening: Planned[] = [
      { at: start, account: 'checking', amount: rng.int(120_000, 260_000), description: 'OPENING BALANCE', category: 'opening_balance' },
      { at: start, account: 'savings', amount: rng.int(300_000, 900_000), description: 'OPENING BALANCE', category: 'opening_balance' },
    ];
    const plans = [...opening, ...planMonthly(profile, rng.fork('monthly'), window), ...planDaily(rng.fork('daily'), window), ...planTravel(rng.fork('travel'), window), ...planRecent(rng.fork('recent'), window)];
    history.transactions.push(...post({ plans: plans.filter((plan) => plan.at >= start && plan.at < end), accounts, rng: ids, window }));
  }
  return history;
}
