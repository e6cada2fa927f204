import { Type, type Static } from '@sinclair/typebox';

/** Values every message, template and alert shares: dates, times and money. */

const strict = { additionalProperties: false } as const;

// Formats are written as patterns, not `format`: every validator here (Ajv at the HTTP edge,
// TypeBox's compiled checkers in the gateway and the outbox) then reads them the same way.
const isoDate = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])';
const isoTime = '([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?';
const isoOffset = '(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)';

/** A calendar date, `YYYY-MM-DD`. */
export const IsoDate = Type.String({ pattern: `^${isoDate}$`, examples: ['2026-11-02'] });
/** A moment with its offset, ISO 8601 / RFC 3339: `2026-11-03T09:30:00Z`. */
export const IsoDateTime = Type.String({ pattern: `^${isoDate}T${isoTime}${isoOffset}$`, examples: ['2026-11-03T09:30:00Z'] });

/**
 * A decimal amount as text — never a float, so no cent is ever lost: up to 15 integer digits
 * and 4 decimals, an optional leading minus, no leading zeros, no exponent.
 */
export const DecimalAmount = Type.String({ pattern: '^-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$', examples: ['1234.56', '-12.50'] });
/** An ISO 4217 currency code: three capital letters. */
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', examples: ['EUR'] });
/** An amount of money: `{"amount":"1234.56","currency":"EUR"}`. */
export const Money = Type.Object({ amount: DecimalAmount, currency: CurrencyCode }, { ...strict, examples: [{ amount: '1234.56', currency: 'EUR' }] });
export type Money = Static<typeof Money>;
