import { Type, type Static } from '@sinclair/typebox';
import { DataCategory, dataCategories, type DataCategory as Category } from './privacy';
import { Id, Timestamp } from './schema';

/**
 * What a person is told each data category is for, before they leave Parley for their bank.
 * The same words go on the consent screen, the consent list and the consent receipt.
 */
export const categoryPurposes: Readonly<Record<Category, string>> = {
  balances: 'To show you your balances in Parley when you ask, and in alerts you turned on.',
  transactions: 'To show you your transactions and spending in Parley, and to explain an alert about a payment.',
  account_details: 'To show you which accounts you hold (names, types, sort codes and numbers) in Parley.',
};

/** A bank a person can link. */
export const Institution = Type.Object({
  id: Id,
  name: Type.String({ examples: ['Sandbox Bank'] }),
  logoUrl: Type.Union([Type.String(), Type.Null()]),
  /** The business this bank is on Parley: linking opens the conversation with it. */
  businessId: Id,
});
export type Institution = Static<typeof Institution>;
export const InstitutionList = Type.Object(
  { institutions: Type.Array(Institution) },
  { examples: [{ institutions: [{ id: '5b9f1c2e-7d3a-4e8b-9c1f-2a3b4c5d6e7f', name: 'Sandbox Bank', logoUrl: null, businessId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c' }] }] },
);
export type InstitutionList = Static<typeof InstitutionList>;

export const maxConsentDays = 365;
export const defaultConsentDays = 90;

export const CreateLinkBody = Type.Object(
  {
    institutionId: Id,
    /** What Parley may read; at least one. */
    permissions: Type.Array(DataCategory, { minItems: 1, maxItems: dataCategories.length, uniqueItems: true }),
    /** How long the consent lasts, in days (default 90, at most 365). */
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: maxConsentDays, default: defaultConsentDays })),
  },
  { additionalProperties: false, examples: [{ institutionId: '5b9f1c2e-7d3a-4e8b-9c1f-2a3b4c5d6e7f', permissions: ['balances', 'transactions'], expiresInDays: 90 }] },
);
export type CreateLinkBody = Static<typeof CreateLinkBody>;

/** A category with the words that say what it is for. */
export const PermissionPurpose = Type.Object({ category: DataCategory, purpose: Type.String() });
export type PermissionPurpose = Static<typeof PermissionPurpose>;

export const CreatedLink = Type.Object(
  {
    /** Send the browser here: the bank's sign-in and consent pages. */
    authorizationUrl: Type.String({ format: 'uri' }),
    /** The link must be finished before this (10 minutes). */
    expiresAt: Timestamp,
    permissions: Type.Array(PermissionPurpose),
    consentExpiresAt: Timestamp,
  },
  {
    examples: [
      {
        authorizationUrl: 'http://localhost:4000/auth?client_id=parley&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc',
        expiresAt: 1795000600000,
        permissions: [{ category: 'balances', purpose: categoryPurposes.balances }],
        consentExpiresAt: 1802776000000,
      },
    ],
  },
);
export type CreatedLink = Static<typeof CreatedLink>;

export const ConsentStatus = Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]);
export type ConsentStatus = Static<typeof ConsentStatus>;

export const Consent = Type.Object({
  id: Id,
  institution: Type.Object({ id: Id, name: Type.String() }),
  status: ConsentStatus,
  permissions: Type.Array(PermissionPurpose),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  endedAt: Type.Union([Timestamp, Type.Null()]),
  /** person, bank, or expiry; null while active. */
  endedBy: Type.Union([Type.String(), Type.Null()]),
  /** The last read through this consent, to the minute (the access log has every read, to the millisecond); null: never read. */
  lastAccessAt: Type.Union([Timestamp, Type.Null()]),
});
export type Consent = Static<typeof Consent>;
export const ConsentList = Type.Object(
  { consents: Type.Array(Consent) },
  {
    examples: [
      {
        consents: [
          {
            id: '0d7c9a41-5e2b-4f1a-8c3d-9e8f7a6b5c4d',
            institution: { id: '5b9f1c2e-7d3a-4e8b-9c1f-2a3b4c5d6e7f', name: 'Sandbox Bank' },
            status: 'active',
            permissions: [{ category: 'balances', purpose: categoryPurposes.balances }],
            createdAt: 1795000000000,
            expiresAt: 1802776000000,
            endedAt: null,
            endedBy: null,
            lastAccessAt: null,
          },
        ],
      },
    ],
  },
);
export type ConsentList = Static<typeof ConsentList>;
export const ConsentParams = Type.Object({ consentId: Id });

/** Where money data came from, and when: "fetched from Sandbox Bank at 12:03". */
export const MoneySource = Type.Object({ institution: Type.Object({ id: Id, name: Type.String() }), fetchedAt: Timestamp });
export type MoneySource = Static<typeof MoneySource>;

/** An amount as the bank wrote it (a decimal string) and its currency; negative is money out. */
export const MoneyAmount = Type.Object({ amount: Type.String({ pattern: '^-?\\d{1,13}(\\.\\d{1,5})?$', examples: ['-12.50'] }), currency: Type.String({ examples: ['GBP'] }) });

/** An account id at Parley: the consent and the bank's account id, so it names whose it is. */
export const MoneyAccountId = Type.String({ pattern: '^[0-9a-f-]{36}\\.[A-Za-z0-9_-]{1,40}$', examples: ['0d7c9a41-5e2b-4f1a-8c3d-9e8f7a6b5c4d.acc_1'] });
export const MoneyAccountParams = Type.Object({ accountId: MoneyAccountId });

export const MoneyAccount = Type.Object({
  id: MoneyAccountId,
  name: Type.String(),
  type: Type.String({ examples: ['CACC'] }),
  currency: Type.String(),
  /** Sort code and number (or masked card number); only with account_details. */
  identification: Type.Union([Type.String(), Type.Null()]),
  source: MoneySource,
});
export type MoneyAccount = Static<typeof MoneyAccount>;
/** Accounts of every bank linked with the balances permission. */
export const MoneyAccountList = Type.Object({ accounts: Type.Array(MoneyAccount) });
export type MoneyAccountList = Static<typeof MoneyAccountList>;

export const MoneyBalance = Type.Object({ type: Type.String({ examples: ['ITBD'] }), ...MoneyAmount.properties, at: Timestamp });
export const MoneyBalances = Type.Object({ accountId: MoneyAccountId, balances: Type.Array(MoneyBalance), source: MoneySource });
export type MoneyBalances = Static<typeof MoneyBalances>;

export const MoneyTransaction = Type.Object({
  id: Type.String(),
  bookedAt: Timestamp,
  status: Type.String({ examples: ['BOOK'] }),
  ...MoneyAmount.properties,
  description: Type.Union([Type.String(), Type.Null()]),
  merchant: Type.Union([Type.String(), Type.Null()]),
  category: Type.Union([Type.String(), Type.Null()]),
});
export const MoneyTransactions = Type.Object({ accountId: MoneyAccountId, transactions: Type.Array(MoneyTransaction), source: MoneySource });
export type MoneyTransactions = Static<typeof MoneyTransactions>;
