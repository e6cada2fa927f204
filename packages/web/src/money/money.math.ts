/**
 * Exact money arithmetic for the Money panel. Amounts arrive as decimal strings (up to five
 * decimals); sums are done on integers (BigInt, in 1/100000 of the unit) and turned back into
 * decimal strings, so a total shown is exactly the sum of what the bank sent. Numbers (floats)
 * are used only to draw.
 */
import type { MoneyBalances, MoneyTransactions } from '@parley/protocol';

const scale = 5;
const factor = 10n ** BigInt(scale);
export const dayMs = 24 * 60 * 60 * 1000;

export type Transaction = MoneyTransactions['transactions'][number];
export type Balance = MoneyBalances['balances'][number];

/** "-12.5" → -1250000n. */
export function toUnits(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const [, sign, whole = '0', fraction = ''] = match;
  const units = BigInt(whole) * factor + BigInt(fraction.slice(0, scale).padEnd(scale, '0'));
  return sign === '-' ? -units : units;
}

/** -1250000n → "-12.5" (no trailing zeros; the formatter adds the currency's own). */
export function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / factor;
  const fraction = (abs % factor).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** For drawing only. */
export function unitsToNumber(units: bigint): number {
  return Number(units) / Number(factor);
}

/** The balance people mean by "balance": booked, else the first the bank gave. */
export function bookedBalance(balances: readonly Balance[]): Balance | undefined {
  return balances.find((b) => b.type === 'ITBD' || b.type === 'CLBD') ?? balances[0];
}

export interface CategorySpend {
  readonly category: string;
  readonly units: bigint;
  /** Positive: how much went out. */
  readonly amount: string;
}

/**
 * Money moved between the person's own accounts — to savings, paying off the card — leaves one
 * account but is not spent; counting it would double what a card payment already counted.
 */
const ownMoneyMoves = new Set(['transfer', 'card_repayment', 'savings', 'internal_transfer']);

/** Money out in the `days` before `now`, by category, largest first (moves between own accounts left out). */
export function spendingByCategory(transactions: readonly Transaction[], now: number, days = 30): CategorySpend[] {
  const since = now - days * dayMs;
  const totals = new Map<string, bigint>();
  for (const transaction of transactions) {
    if (transaction.bookedAt < since || transaction.bookedAt > now) continue;
    const units = toUnits(transaction.amount);
    if (units >= 0n) continue;
    const category = transaction.category ?? 'other';
    if (ownMoneyMoves.has(category)) continue;
    totals.set(category, (totals.get(category) ?? 0n) - units);
  }
  return [...totals]
    .map(([category, units]) => ({ category, units, amount: fromUnits(units) }))
    .sort((a, b) => (a.units === b.units ? a.category.localeCompare(b.category) : a.units > b.units ? -1 : 1));
}

export interface BalancePoint {
  /** The end of the day (UTC) this balance is for. */
  readonly at: number;
  readonly units: bigint;
  readonly amount: string;
}

/**
 * The balance at the end of each of the last `days` days, worked back from today's balance:
 * a day's closing balance is today's minus everything booked after that day ended.
 */
export function balanceTrend(current: string, transactions: readonly Transaction[], now: number, days = 30): BalancePoint[] {
  const today = Math.floor(now / dayMs) * dayMs;
  const sorted = [...transactions].sort((a, b) => b.bookedAt - a.bookedAt);
  const points: BalancePoint[] = [];
  let units = toUnits(current);
  let next = 0;
  for (let day = 0; day < days; day += 1) {
    const end = day === 0 ? Number.POSITIVE_INFINITY : today - (day - 1) * dayMs;
    // Undo every transaction booked after the end of this day.
    while (next < sorted.length && (sorted[next]?.bookedAt ?? 0) >= end) {
      units -= toUnits(sorted[next]?.amount ?? '0');
      next += 1;
    }
    points.push({ at: day === 0 ? now : end - 1, units, amount: fromUnits(units) });
  }
  return points.reverse();
}

export interface TransactionFilter {
  readonly text: string;
  /** An exact amount (either sign), as typed: "12.50". */
  readonly amount: string;
  /** YYYY-MM-DD, inclusive, UTC days; empty for no bound. */
  readonly from: string;
  readonly to: string;
}

export const noFilter: TransactionFilter = { text: '', amount: '', from: '', to: '' };

function dayStart(date: string): number | null {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Search by merchant or description, an amount (ignoring the sign) and a date range. */
export function filterTransactions(transactions: readonly Transaction[], filter: TransactionFilter): Transaction[] {
  const text = filter.text.trim().toLowerCase();
  let amount: bigint | null = null;
  try {
    amount = filter.amount.trim() ? toUnits(filter.amount.trim().replace(/^[-+£$€]/, '').replace(/,/g, '')) : null;
  } catch {
    amount = -1n;
  }
  const from = dayStart(filter.from);
  const to = dayStart(filter.to);
  return transactions.filter((transaction) => {
    if (text && !`${transaction.merchant ?? ''} ${transaction.description ?? ''}`.toLowerCase().includes(text)) return false;
    if (amount !== null) {
      const units = toUnits(transaction.amount);
      if ((units < 0n ? -units : units) !== amount) return false;
    }
    if (from !== null && transaction.bookedAt < from) return false;
    if (to !== null && transaction.bookedAt >= to + dayMs) return false;
    return true;
  });
}
