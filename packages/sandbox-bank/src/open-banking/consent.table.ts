/**
 * Consent statuses of the Open Banking v4.0 account-access-consent (OBReadConsentResponse1
 * Data.Status): awaiting authorisation, rejected, authorised, expired, cancelled (revoked).
 */
export type ConsentStatus = 'AWAU' | 'RJCT' | 'AUTH' | 'EXPD' | 'CANC';

/** An account-access-consent: a client's request for permissions, and later the customer's answer. */
export interface ConsentRow {
  /** ConsentId, opaque. */
  id: string;
  client_id: string;
  status: ConsentStatus;
  /** JSON array of OB permission codes, e.g. ["ReadAccountsDetail","ReadBalances"]. */
  permissions: string;
  /** Epoch ms or null (no expiry requested). */
  expires_at: number | null;
  transaction_from: number | null;
  transaction_to: number | null;
  /** Set when the customer authorises. */
  customer_id: string | null;
  /** JSON array of the account ids the customer chose to share; "[]" until authorised. */
  account_ids: string;
  created_at: number;
  status_updated_at: number;
}

/**
 * A signed event (a Security Event Token) waiting to reach a client's eventsUrl, or delivered.
 * Written in the same step as the revocation, so a crash or a failing receiver loses nothing.
 */
export interface ConsentEventRow {
  /** The SET's jti. */
  id: string;
  consent_id: string;
  client_id: string;
  events_url: string;
  /** The compact JWS, signed when the event happened (its iat and toe are that moment). */
  token: string;
  attempts: number;
  /** Epoch ms of the next try; the dispatcher picks rows that are due. */
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
  created_at: number;
}

export interface OpenBankingTables {
  account_access_consents: ConsentRow;
  consent_event_outbox: ConsentEventRow;
}
