/** A payment card on an account: the debit card of a current account, or the card of a credit card account. */
export interface CardRow {
  id: string;
  account_id: string;
  customer_id: string;
  kind: 'debit' | 'credit';
  /** Last four digits of the card number (the only part ever shown). */
  last4: string;
  /** 1: every authorization on the card is declined (card_locked); 0: usable. */
  locked: number;
  created_at: number;
  /** When the card was last locked or unlocked (ms since the epoch); null if never. */
  lock_changed_at: number | null;
}

/**
 * What became of an authorization: approved (a Pending transaction on the account), declined,
 * or held by the fraud rules until the customer confirms (approved) or refuses (declined) it.
 */
export type AuthorizationStatus = 'approved' | 'declined' | 'held';

export type DeclineReason = 'card_locked' | 'insufficient_funds' | 'customer_declined';

/** The fraud rules (cards/fraud-rules.ts). */
export type FraudRule = 'unusual_amount' | 'new_country' | 'velocity' | 'risky_merchant';

export interface AuthorizationRow {
  id: string;
  card_id: string;
  customer_id: string;
  /** What the merchant asked for, in minor units, positive. */
  amount_minor: number;
  currency: string;
  merchant_name: string;
  /** ISO 18245 merchant category code. */
  mcc: string;
  /** ISO 3166-1 alpha-2 where the card was used. */
  country: string;
  /** City shown to the customer (e.g. in the fraud alert); null if unknown. */
  city: string | null;
  at: number;
  status: AuthorizationStatus;
  decline_reason: DeclineReason | null;
  risk_score: number;
  /** JSON array of FraudRule that fired. */
  rules: string;
  /** The Pending transaction made when it was approved; null otherwise. */
  transaction_id: string | null;
  /** When the customer approved or declined a held authorization. */
  resolved_at: number | null;
}

/** A customer's dispute of a transaction. */
export interface DisputeRow {
  id: string;
  /** Human-friendly, unique, e.g. `DSP-7Q4K2`. */
  case_number: string;
  customer_id: string;
  transaction_id: string;
  reason: string;
  status: 'open' | 'resolved';
  created_at: number;
}

export interface CardTables {
  cards: CardRow;
  card_authorizations: AuthorizationRow;
  disputes: DisputeRow;
}
