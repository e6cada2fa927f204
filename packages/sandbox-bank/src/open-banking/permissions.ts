import { badRequest, obErrorCodes } from './ob-error';

/** Every permission code of OBReadConsent1 (OBInternalPermissions1Code). */
export const allPermissions = [
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadBeneficiariesBasic',
  'ReadBeneficiariesDetail',
  'ReadDirectDebits',
  'ReadOffers',
  'ReadPAN',
  'ReadParty',
  'ReadPartyPSU',
  'ReadProducts',
  'ReadScheduledPaymentsBasic',
  'ReadScheduledPaymentsDetail',
  'ReadStandingOrdersBasic',
  'ReadStandingOrdersDetail',
  'ReadStatementsBasic',
  'ReadStatementsDetail',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'ReadTransactionsDetail',
] as const;

export type Permission = (typeof allPermissions)[number];

/**
 * What this bank serves. The spec lets an ASPSP refuse a consent asking for a permission it does
 * not support (it publishes which endpoints it has): beneficiaries, direct debits, offers,
 * parties, products, standing orders, scheduled payments and statements are not built here.
 */
export const supportedPermissions: readonly Permission[] = [
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadPAN',
  'ReadTransactionsBasic',
  'ReadTransactionsDetail',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
];

const plainWords: Record<Permission, string> = {
  ReadAccountsBasic: 'See your account names, types and currencies',
  ReadAccountsDetail: 'See your account names, types and account numbers',
  ReadBalances: 'See your balances',
  ReadBeneficiariesBasic: 'See the people and businesses you pay',
  ReadBeneficiariesDetail: 'See the people and businesses you pay, with their account details',
  ReadDirectDebits: 'See your direct debits',
  ReadOffers: 'See offers on your accounts',
  ReadPAN: 'See your full card numbers',
  ReadParty: 'See who holds your accounts',
  ReadPartyPSU: 'See your name and contact details',
  ReadProducts: 'See the products you hold',
  ReadScheduledPaymentsBasic: 'See your scheduled payments',
  ReadScheduledPaymentsDetail: 'See your scheduled payments, with payee details',
  ReadStandingOrdersBasic: 'See your standing orders',
  ReadStandingOrdersDetail: 'See your standing orders, with payee details',
  ReadStatementsBasic: 'See your statements',
  ReadStatementsDetail: 'See your statements in full',
  ReadTransactionsBasic: 'See your transactions: amounts, dates and status',
  ReadTransactionsDetail: 'See your transactions in full: descriptions, merchants and running balances',
  ReadTransactionsCredits: 'Including money coming in',
  ReadTransactionsDebits: 'Including money going out',
};

/** A permission in words a customer understands (the consent and Connected apps pages). */
export function describePermission(permission: string): string {
  return plainWords[permission as Permission] ?? permission;
}

/**
 * The rules of the spec for a requested set: not empty, each one known and served here, and
 * the transaction permissions paired — Basic or Detail needs Credits or Debits, and Credits or
 * Debits needs Basic or Detail. Returns the set without duplicates, in the order asked.
 */
export function checkRequestedPermissions(requested: readonly string[]): Permission[] {
  const unique = [...new Set(requested)];
  for (const [index, permission] of unique.entries()) {
    if (!(allPermissions as readonly string[]).includes(permission)) throw badRequest(obErrorCodes.fieldInvalid, `"${permission}" is not an Open Banking permission.`, `Data.Permissions[${index}]`);
    if (!supportedPermissions.includes(permission as Permission)) {
      throw badRequest(obErrorCodes.fieldInvalid, `This bank does not offer "${permission}"; it serves ${supportedPermissions.join(', ')}.`, `Data.Permissions[${index}]`);
    }
  }
  const has = (permission: Permission) => unique.includes(permission);
  const scope = has('ReadTransactionsBasic') || has('ReadTransactionsDetail');
  const direction = has('ReadTransactionsCredits') || has('ReadTransactionsDebits');
  if (scope && !direction) throw badRequest(obErrorCodes.fieldInvalid, 'ReadTransactionsBasic and ReadTransactionsDetail need ReadTransactionsCredits or ReadTransactionsDebits too.', 'Data.Permissions');
  if (direction && !scope) throw badRequest(obErrorCodes.fieldInvalid, 'ReadTransactionsCredits and ReadTransactionsDebits need ReadTransactionsBasic or ReadTransactionsDetail too.', 'Data.Permissions');
  return unique as Permission[];
}

/** What a consent's permissions let a client see; a Detail permission implies its Basic one. */
export interface Access {
  readonly accounts: 'none' | 'basic' | 'detail';
  readonly balances: boolean;
  readonly pan: boolean;
  readonly transactions: 'none' | 'basic' | 'detail';
  readonly credits: boolean;
  readonly debits: boolean;
}

export function accessOf(permissions: readonly string[]): Access {
  const has = (permission: Permission) => permissions.includes(permission);
  return {
    accounts: has('ReadAccountsDetail') ? 'detail' : has('ReadAccountsBasic') ? 'basic' : 'none',
    balances: has('ReadBalances'),
    pan: has('ReadPAN'),
    transactions: has('ReadTransactionsDetail') ? 'detail' : has('ReadTransactionsBasic') ? 'basic' : 'none',
    credits: has('ReadTransactionsCredits'),
    debits: has('ReadTransactionsDebits'),
  };
}
