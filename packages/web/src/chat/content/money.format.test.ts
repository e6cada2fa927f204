import { describe, expect, it } from 'vitest';
import { previewOf } from './content.preview';
import { formatBankDate, formatMoney, isNegative } from './money.format';

// Node's Intl is the browser's (both V8 with full ICU); the locale is whatever the machine has,
// so the assertions look at digits and signs, which every Latin-digit locale keeps.
const digits = (text: string) => text.replace(/[^0-9.,+-]/g, '');

describe('money as the web app shows it', () => {
  it('keeps every digit of a decimal string that a float would round', () => {
    const shown = formatMoney({ amount: '123456789012345.6789', currency: 'EUR' });
    expect(shown.replace(/[^0-9]/g, '')).toBe('1234567890123456789');
  });

  it('pads to the currency’s usual decimals and keeps extra ones the bank sent', () => {
    expect(digits(formatMoney({ amount: '4.2', currency: 'EUR' }))).toMatch(/^4[.,]20$/);
    expect(digits(formatMoney({ amount: '1500', currency: 'JPY' }))).toMatch(/^1[.,]?500$/);
    expect(digits(formatMoney({ amount: '0.1234', currency: 'USD' }))).toMatch(/^0[.,]1234$/);
  });

  it('signs transaction amounts: minus for money out, plus for money in, none for zero', () => {
    expect(formatMoney({ amount: '-4.20', currency: 'EUR' }, { signed: true })).toMatch(/^[-−]/);
    expect(formatMoney({ amount: '2500', currency: 'EUR' }, { signed: true })).toMatch(/^\+/);
    expect(formatMoney({ amount: '0', currency: 'EUR' }, { signed: true })).not.toMatch(/^[-+−]/);
    expect([isNegative({ amount: '-0.01', currency: 'EUR' }), isNegative({ amount: '-0', currency: 'EUR' }), isNegative({ amount: '3', currency: 'EUR' })]).toEqual([true, false, false]);
  });

  it('shows a bank date as the day it names, whatever the time zone, and leaves a non-date alone', () => {
    expect(formatBankDate('2026-11-02')).toMatch(/2/);
    expect(formatBankDate('2026-11-02')).not.toMatch(/1(?!1)/);
    expect(formatBankDate('not a date')).toBe('not a date');
  });

  it('previews each content type in one line', () => {
    expect(previewOf({ contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' })).toBe('Balance');
    expect(previewOf({ contentType: 'template.transactions', transactions: [{ date: '2026-11-02', merchant: 'Shop', amount: { amount: '-1', currency: 'EUR' }, status: 'booked' }] })).toBe('1 transaction');
    expect(previewOf({ contentType: 'template.confirmation', title: 'Card locked', text: 'Done.' })).toBe('Card locked');
    expect(previewOf({ contentType: 'template.balance', accounts: [{ name: 'Everyday', balance: { amount: '10', currency: 'EUR' } }], asOf: '2026-11-03T09:30:00Z' })).toMatch(/^Balance: Everyday .*10/);
  });
});
