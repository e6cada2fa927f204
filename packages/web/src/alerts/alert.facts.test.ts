import { describe, expect, it } from 'vitest';
import { factLines } from './alert.facts';

describe('the facts of an alert card', () => {
  it('reads in a fixed order with plain labels, money from its decimal string and the card as its last four digits', () => {
    const lines = factLines({
      cardMask: '4821',
      merchant: 'Worten Electronics',
      amount: { amount: '842.10', currency: 'GBP' },
      place: 'Lisbon, Portugal',
      time: '2026-11-03T21:14:00Z',
    });
    expect(lines.map(([label]) => label)).toEqual(['Amount', 'Merchant', 'Where', 'When', 'Card']);
    expect(lines[0]?.[1]).toMatch(/842[.,]10/);
    expect(lines[4]?.[1]).toBe('•••• 4821');
  });

  it('shows an account by name and mask, or by mask alone, and leaves out what the alert does not carry', () => {
    expect(factLines({ accountName: 'Everyday', accountMask: '1234', balance: { amount: '12.5', currency: 'EUR' } }).map(([label, value]) => `${label}: ${value}`)).toEqual([
      'Account: Everyday •••• 1234',
      expect.stringMatching(/^Balance: .*12[.,]50/),
    ]);
    expect(factLines({ accountMask: '9876' })).toEqual([['Account', '•••• 9876']]);
    expect(factLines({})).toEqual([]);
  });
});
