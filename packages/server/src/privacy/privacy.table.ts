/** Whose data a data key protects: a person (profile, messages), a consent (tokens, cached bank data), or a Parley service. */
export type DataKeyOwnerKind = 'person' | 'consent' | 'service';

/** One data key, stored only wrapped (AES-256-GCM) under a master key; see docs/privacy.md. */
export interface DataKeyRow {
  id: string;
  owner_kind: DataKeyOwnerKind;
  owner_id: string;
  /** iv ‖ tag ‖ ciphertext, base64; null once destroyed (crypto-shredded). */
  wrapped_key: string | null;
  /** Fingerprint id of the master key that wrapped it (see masterKeyId). */
  master_key_id: string | null;
  created_at: number;
  destroyed_at: number | null;
}

/** One access to a person's financial data (or a refused attempt), hash-chained per person. */
export interface AccessLogRow {
  id: string;
  person_id: string;
  seq: number;
  at: number;
  actor: string;
  institution_id: string;
  institution_name: string;
  account_id: string | null;
  category: string;
  purpose: string;
  outcome: 'allowed' | 'refused';
  reason: string | null;
  prev_hash: string;
  hash: string;
}

/** The last entry of each person's chain: the lock target for appends, and what catches a deleted tail. */
export interface AccessLogHeadRow {
  person_id: string;
  seq: number;
  hash: string;
  /** HMAC-SHA256 of (person, seq, hash) under the `access-log` service key; null only before the first append. */
  seal: string | null;
}

export type SigningKeyUse = 'receipts' | 'bank-client' | 'step-up';

/** Parley's own signing keys; the private JWK is sealed under the `signing-keys` service data key. */
export interface SigningKeyRow {
  kid: string;
  use: SigningKeyUse;
  alg: string;
  public_jwk: string;
  private_sealed: string;
  created_at: number;
  /** Set when a newer key took over; the public key stays published so old signatures verify. */
  retired_at: number | null;
}

export interface ConsentReceiptRow {
  id: string;
  person_id: string;
  consent_id: string;
  kind: 'consent' | 'revocation';
  institution_id: string;
  institution_name: string;
  jws: string;
  created_at: number;
}

export interface PrivacyTables {
  data_keys: DataKeyRow;
  access_log: AccessLogRow;
  access_log_heads: AccessLogHeadRow;
  signing_keys: SigningKeyRow;
  consent_receipts: ConsentReceiptRow;
}
