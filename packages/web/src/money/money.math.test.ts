import { describe, expect, it } from 'vitest';
import { balanceTrend, dayMs, filterTransactions, fromUnits, noFilter, spendingByCategory, toUnits, type Transaction } from './money.math';

const now = Date.parse('2026-11-22T12:00:00Z');
const tx = (id: string, daysAgo: number, amount: string, category: string | null, merchant: string | null = null): Transaction => ({
  id,
  bookedAt: now - daysAgo * dayMs,
  status: 'BOOK',
  amount,
  currency: 'GBP',
  description: null,
  merchant,
  category,
});

describe('money arithmetic', () => {
  it('sums decimal strings exactly, where floats would not', () => {
    const sum = ['0.1', '0.2', '-0.30001'].map(toUnits).reduce((a, b) => a + b, 0n);
    expect(fromUnits(sum)).toBe('-0.00001');
    expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.3');
    expect(fromUnits(toUnits('-1250.50'))).toBe('-1250.5');
  });

  it('adds up money out by category over the last 30 days only, largest first', () => {
    const spend = spendingByCategory(
      [
        tx('a', 1, '-10.10', 'groceries'),
        tx('b', 2, '-20.20', 'groceries'),
        tx('c', 3, '-5.00', 'travel'),
        tx('d', 4, '2500.00', 'salary'),
        tx('e', 31, '-99.00', 'travel'),
        tx('f', 5, '-1', null),
        // Moving money to savings or paying off the card is not spending.
        tx('g', 6, '-300.00', 'transfer'),
        tx('h', 7, '-1209.78', 'card_repayment'),
      ],
      now,
    );
    expect(spend.map((s) => [s.category, s.amount])).toEqual([
      ['groceries', '30.3'],
      ['travel', '5'],
      ['other', '1'],
    ]);
  });

  it('works the balance back day by day from today’s', () => {
    const trend = balanceTrend('100.00', [tx('a', 0.1, '-10.00', null), tx('b', 1, '50.00', null), tx('c', 2.5, '-5.55', null)], now, 4);
    expect(trend.map((p) => p.amount)).toEqual(['65.55', '60', '110', '100']);
  });

  it('finds transactions by merchant, amount whatever its sign, and day', () => {
    const list = [tx('a', 1, '-12.50', 'x', 'Tesco'), tx('b', 3, '12.5', 'x', 'Refund Co'), tx('c', 10, '-3.00', 'x', 'Pret')];
    expect(filterTransactions(list, { ...noFilter, text: 'tes' }).map((t) => t.id)).toEqual(['a']);
    expect(filterTransactions(list, { ...noFilter, amount: '£12.50' }).map((t) => t.id)).toEqual(['a', 'b']);
    expect(filterTransactions(list, { ...noFilter, from: '2026-11-18', to: '2026-11-21' }).map((t) => t.id)).toEqual(['a', 'b']);
    expect(filterTransactions(list, { ...noFilter, amount: 'abc' })).toEqual([]);
  });
});
