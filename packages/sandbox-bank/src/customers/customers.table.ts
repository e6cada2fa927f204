/** A customer of the bank: who logs in at its login page. */
export interface CustomerRow {
  id: string;
  /** Login name, e.g. `alice`. */
  username: string;
  /** `scrypt$salt$hash` (customers/password.ts). */
  password_hash: string;
  display_name: string;
  /** ISO 3166-1 alpha-2 country the customer lives in (fraud rules: "a new country"). */
  home_country: string;
  created_at: number;
}

export type AccountKind = 'checking' | 'savings' | 'credit_card';

export interface AccountRow {
  id: string;
  customer_id: string;
  kind: AccountKind;
  /** Product name shown to people, e.g. "Everyday Current Account". */
  name: string;
  /** ISO 4217. */
  currency: string;
  /** UK sort code + account number (`UK.OBIE.SortCodeAccountNumber`), or the masked PAN of a card. */
  scheme: 'UK.OBIE.SortCodeAccountNumber' | 'UK.OBIE.PAN';
  identification: string;
  /** Last four digits shown in chat and on the consent page. */
  mask: string;
  opened_at: number;
  /** Credit limit in minor units (credit cards); 0 otherwise. */
  credit_limit_minor: number;
}

export type TransactionStatus = 'Booked' | 'Pending' | 'Rejected';

export interface TransactionRow {
  id: string;
  account_id: string;
  /** Signed amount in minor units: negative is money out (a debit). */
  amount_minor: number;
  currency: string;
  status: TransactionStatus;
  booked_at: number;
  value_at: number;
  /** What the statement says, e.g. "CARD PAYMENT TO TESCO STORES 2041". */
  description: string;
  merchant_name: string | null;
  /** ISO 18245 merchant category code, e.g. "5411" (grocery stores). */
  merchant_category_code: string | null;
  /** Our own category: salary, rent, utilities, subscriptions, groceries, travel, refund, transfer, … */
  category: string;
  /** ISO 3166-1 alpha-2 where the card was used; null for non-card transactions. */
  country: string | null;
  /** Balance of the account after this transaction was booked, minor units (Booked only). */
  balance_after_minor: number | null;
}

export interface CustomerTables {
  customers: CustomerRow;
  accounts: AccountRow;
  transactions: TransactionRow;
}
