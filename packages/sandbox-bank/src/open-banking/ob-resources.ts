import { formatMinor, type AccountBalance, type AccountRow, type TransactionRow } from '../customers';
import { badRequest, obErrorCodes } from './ob-error';
import type { Access } from './permissions';

/** An instant as OB writes it: ISO 8601 with the time zone (UTC). */
export function obDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A signed minor-unit amount as OB does it: an unsigned decimal string and Credit or Debit. */
export function obAmount(amountMinor: number, currency: string): { Amount: string; Currency: string } {
  return { Amount: formatMinor(Math.abs(amountMinor), currency), Currency: currency };
}

const creditDebit = (amountMinor: number): 'Credit' | 'Debit' => (amountMinor < 0 ? 'Debit' : 'Credit');

const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A fromBookingDateTime / toBookingDateTime query value. The spec: the time part is optional
 * (00:00:00 then), and a time zone, when given, is ignored — the value is read as UTC.
 */
export function parseBookingDateTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const match = dateTimePattern.exec(value);
  const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0), Number((match[7] ?? '0').padEnd(3, '0').slice(0, 3))) : NaN;
  if (Number.isNaN(at) || new Date(at).getUTCDate() !== Number(match?.[3])) throw badRequest(obErrorCodes.invalidDate, `${name} must be an ISO 8601 date-time such as 2026-01-31T00:00:00; got "${value}".`, name);
  return at;
}

const accountTypeCodes: Record<AccountRow['kind'], 'CACC' | 'SVGS' | 'CARD'> = { checking: 'CACC', savings: 'SVGS', credit_card: 'CARD' };

/** A card number shows its last four digits only, unless the consent has ReadPAN. */
function cardNumber(identification: string, pan: boolean): string {
  if (pan) return identification;
  const digits = identification.replace(/\D/g, '');
  return `${'*'.repeat(12)}${digits.slice(-4)}`;
}

/** OBAccount6: Basic fields always; the account's identification only with ReadAccountsDetail. */
export function accountResource(account: AccountRow, input: { access: Access; holderName: string }): Record<string, unknown> {
  const basic = {
    AccountId: account.id,
    Status: 'Enabled',
    Currency: account.currency,
    AccountCategory: 'Personal',
    AccountTypeCode: accountTypeCodes[account.kind],
    Description: account.name.slice(0, 35),
    OpeningDate: obDateTime(account.opened_at),
  };
  if (input.access.accounts !== 'detail') return basic;
  const identification = account.scheme === 'UK.OBIE.PAN' ? cardNumber(account.identification, input.access.pan) : account.identification;
  return Object.assign({}, basic, { Account: [{ SchemeName: account.scheme, Identification: identification, Name: input.holderName }] });
}

/** The OBReadBalance1 entries of one account: booked and available, and a card's credit line. */
export function balanceResources(balance: AccountBalance, at: number): Record<string, unknown>[] {
  const { account } = balance;
  const creditLine =
    account.kind === 'credit_card' ? { CreditLine: [{ Included: true, Type: 'Credit', Amount: obAmount(account.credit_limit_minor, account.currency) }] } : {};
  return [
    { AccountId: account.id, CreditDebitIndicator: creditDebit(balance.bookedMinor), Type: 'ITBD', DateTime: obDateTime(at), Amount: obAmount(balance.bookedMinor, balance.currency) },
    { AccountId: account.id, CreditDebitIndicator: creditDebit(balance.availableMinor), Type: 'ITAV', DateTime: obDateTime(at), Amount: obAmount(balance.availableMinor, balance.currency), ...creditLine },
  ];
}

const entryStatus: Record<TransactionRow['status'], 'BOOK' | 'PDNG' | 'RJCT'> = { Booked: 'BOOK', Pending: 'PDNG', Rejected: 'RJCT' };

/**
 * OBTransaction6. Without ReadTransactionsDetail only the Basic fields (OBTransaction6Basic): no
 * TransactionInformation, MerchantDetails or Balance — the statement text and merchant say
 * more about a person than an amount and a date.
 */
export function transactionResource(row: TransactionRow, access: Access): Record<string, unknown> {
  const basic = {
    AccountId: row.account_id,
    TransactionId: row.id,
    CreditDebitIndicator: creditDebit(row.amount_minor),
    Status: entryStatus[row.status],
    TransactionMutability: row.status === 'Pending' ? 'Mutable' : 'Immutable',
    BookingDateTime: obDateTime(row.booked_at),
    ValueDateTime: obDateTime(row.value_at),
    Amount: obAmount(row.amount_minor, row.currency),
    ProprietaryBankTransactionCode: { Code: row.category.slice(0, 35), Issuer: 'SandboxBank' },
  };
  if (access.transactions !== 'detail') return basic;
  const merchant = row.merchant_name
    ? { MerchantDetails: { MerchantName: row.merchant_name, ...(row.merchant_category_code ? { MerchantCategoryCode: row.merchant_category_code } : {}) } }
    : {};
  const balance =
    row.balance_after_minor !== null && row.status === 'Booked'
      ? { Balance: { CreditDebitIndicator: creditDebit(row.balance_after_minor), Type: 'ITBD', Amount: obAmount(row.balance_after_minor, row.currency) } }
      : {};
  return Object.assign({}, basic, { TransactionInformation: row.description.slice(0, 500) }, merchant, balance);
}
