/**
 * Money and bank dates in the person's locale. Amounts arrive as decimal strings and are handed
 * to Intl.NumberFormat as strings, which formats them exactly (no float in between), showing as
 * many decimals as the bank sent and at least as many as the currency uses.
 */
import type { Money } from '@parley/protocol';

const formats = new Map<string, Intl.NumberFormat>();

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

function formatFor(currency: string, decimals: number, signed: boolean): Intl.NumberFormat {
  const key = `${currency} ${decimals} ${signed}`;
  let format = formats.get(key);
  if (!format) {
    const digits = currencyDigits(currency);
    format = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: Math.max(digits, decimals),
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    formats.set(key, format);
  }
  return format;
}

/** `{amount:"-4.2",currency:"EUR"}` → "-€4.20" (`signed`: "+€2,500.00" for money in). */
export function formatMoney(money: Money, options: { signed?: boolean } = {}): string {
  const decimals = money.amount.split('.')[1]?.length ?? 0;
  try {
    // A numeric string is formatted as the exact decimal it spells (ECMA-402, Intl.NumberFormat v3).
    return formatFor(money.currency, decimals, options.signed === true).format(money.amount as `${number}`);
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

/** Whether an amount is below zero, read from its text. */
export function isNegative(money: Money): boolean {
  return money.amount.startsWith('-') && /[1-9]/.test(money.amount);
}

// A bank date (YYYY-MM-DD) names a day, not a moment: formatted in UTC so no time zone shifts it.
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const momentFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** "2 Nov" for "2026-11-02"; the text itself if it is not a date. */
export function formatBankDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? date : dayFormat.format(ms);
}

/** "3 Nov, 09:30" for an ISO date-time, in the person's time zone; the text itself if it is not one. */
export function formatMoment(dateTime: string): string {
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? dateTime : momentFormat.format(ms);
}
