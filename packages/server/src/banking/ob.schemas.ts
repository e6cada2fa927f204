import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { DataCategory } from '@parley/protocol';
import { AppError } from '../platform/errors';

// What Parley accepts from a bank's Open Banking API (v4.0 AIS). A bank is untrusted input: each
// answer is checked against these before any field is read; extra fields are ignored.

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const ObAmount = Type.Object({ Amount: Type.String({ pattern: '^\\d{1,13}(\\.\\d{1,5})?$' }), Currency: Type.String({ pattern: '^[A-Z]{3}$' }) });
const CreditDebit = Type.Union([Type.Literal('Credit'), Type.Literal('Debit')]);
const DateTime = Type.String({ minLength: 10, maxLength: 40 });
const AccountId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });

export const ObConsentCreated = Type.Object({ Data: Type.Object({ ConsentId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }), Status: Text(40) }) });

export const ObAccounts = Type.Object({
  Data: Type.Object({
    Account: Type.Array(
      Type.Object({
        AccountId,
        Currency: Type.String({ pattern: '^[A-Z]{3}$' }),
        AccountTypeCode: Type.Optional(Text(10)),
        Nickname: Type.Optional(Text(70)),
        Description: Type.Optional(Text(35)),
        Account: Type.Optional(Type.Array(Type.Object({ SchemeName: Text(40), Identification: Text(256), Name: Type.Optional(Text(350)) }), { maxItems: 10 })),
      }),
      { maxItems: 500 },
    ),
  }),
});
export type ObAccounts = Static<typeof ObAccounts>;

export const ObBalances = Type.Object({
  Data: Type.Object({
    Balance: Type.Array(Type.Object({ AccountId, CreditDebitIndicator: CreditDebit, Type: Text(10), DateTime, Amount: ObAmount }), { maxItems: 2000 }),
  }),
});
export type ObBalances = Static<typeof ObBalances>;

export const ObTransactions = Type.Object({
  Data: Type.Object({
    Transaction: Type.Array(
      Type.Object({
        AccountId,
        TransactionId: Type.Optional(Text(210)),
        CreditDebitIndicator: CreditDebit,
        Status: Text(10),
        BookingDateTime: DateTime,
        Amount: ObAmount,
        TransactionInformation: Type.Optional(Type.String({ maxLength: 500 })),
        MerchantDetails: Type.Optional(Type.Object({ MerchantName: Type.Optional(Type.String({ maxLength: 350 })) })),
        ProprietaryBankTransactionCode: Type.Optional(Type.Object({ Code: Type.String({ maxLength: 35 }) })),
      }),
      { maxItems: 5000 },
    ),
  }),
  Links: Type.Optional(Type.Object({ Next: Type.Optional(Type.String({ maxLength: 2048 })) })),
});
export type ObTransactions = Static<typeof ObTransactions>;

const compiled = new Map<TSchema, ReturnType<typeof TypeCompiler.Compile>>();

/** The bank's answer as `schema`, or ERR_BANK_BAD_RESPONSE naming the first field that is wrong. */
export function checkBankAnswer<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  let checker = compiled.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiled.set(schema, checker);
  }
  if (checker.Check(value)) return value as Static<T>;
  const first = checker.Errors(value).First();
  throw new AppError('ERR_BANK_BAD_RESPONSE', { message: `The bank's ${what} did not match Open Banking at ${first?.path || '/'}: ${first?.message ?? 'invalid'}.` });
}

/** The Open Banking permission codes each Parley category asks for. Accounts (basic) come with any. */
export const permissionsOf: Readonly<Record<DataCategory, readonly string[]>> = {
  balances: ['ReadBalances'],
  transactions: ['ReadTransactionsBasic', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'],
  account_details: ['ReadAccountsDetail'],
};

export function obPermissions(categories: readonly DataCategory[]): string[] {
  return ['ReadAccountsBasic', ...categories.flatMap((category) => permissionsOf[category])];
}
