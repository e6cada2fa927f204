import type { DataCategory } from '@parley/protocol';

/** A bank Parley links to: its OpenID issuer, Parley's client id there, and its Open Banking API. */
export interface InstitutionRow {
  id: string;
  /** The business on Parley that is this bank: the bank you chat with is the bank you link. */
  business_id: string;
  name: string;
  logo_url: string | null;
  issuer: string;
  client_id: string;
  /** e.g. https://bank.example/open-banking/v4.0/aisp */
  ob_base_url: string;
  /** Where the bank publishes the keys that sign its event notifications. */
  events_jwks_uri: string;
  created_at: number;
}

/** A link in flight between PAR and the callback; its PKCE verifier and DPoP key are sealed. */
export interface LinkSessionRow {
  state: string;
  person_id: string;
  /** The Parley session that started it: the callback must come back in the same one. */
  session_id: string;
  institution_id: string;
  bank_consent_id: string;
  /** JSON array of DataCategory. */
  categories: string;
  consent_expires_at: number;
  secrets_sealed: string;
  created_at: number;
  expires_at: number;
}

export type ConsentStatus = 'active' | 'revoked' | 'expired';

export interface ConsentRow {
  id: string;
  person_id: string;
  institution_id: string;
  bank_consent_id: string;
  /** JSON array of DataCategory. */
  categories: string;
  /** JSON array of Open Banking permission codes asked of the bank. */
  permissions: string;
  status: ConsentStatus;
  data_key_id: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  /** Who ended it: person, bank, or expiry. */
  ended_by: string | null;
  last_access_at: number | null;
  /** When the person was told it ends within 7 days; null until then. */
  renewal_reminded_at: number | null;
}

/** A consent's tokens, sealed under the consent's data key; deleted when it ends. */
export interface BankTokenRow {
  consent_id: string;
  refresh_sealed: string;
  access_sealed: string | null;
  access_expires_at: number | null;
  /** The DPoP private key the tokens are bound to (JWK). */
  dpop_sealed: string;
  /** Bumped on every refresh: a refresh that lost a race does not overwrite the winner. */
  version: number;
  /** While a node refreshes these tokens: until when its lease holds (ms); null otherwise. */
  refreshing_until: number | null;
}

/** Financial data fetched from a bank, sealed under the consent's data key, kept for minutes. */
export interface BankDataCacheRow {
  id: string;
  consent_id: string;
  body_sealed: string;
  fetched_at: number;
  expires_at: number;
}

export interface BankingTables {
  institutions: InstitutionRow;
  link_sessions: LinkSessionRow;
  consents: ConsentRow;
  bank_tokens: BankTokenRow;
  bank_data_cache: BankDataCacheRow;
}

export type { DataCategory };
