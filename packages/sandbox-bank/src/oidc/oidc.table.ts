/**
 * Everything oidc-provider persists (sessions, interactions, grants, codes, tokens, PAR
 * objects, DPoP replay markers), one row per model instance, so a restart keeps them.
 */
export interface OidcModelRow {
  /** The model's id (a token value, a grant id, a session id, …); unique per kind. */
  id: string;
  /** oidc-provider's model name: AccessToken, RefreshToken, Grant, Session, Interaction, … */
  kind: string;
  /** The model's payload as JSON (oidc-provider's own shape). */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** Epoch ms after which the row is ignored (and may be deleted); null: no expiry. */
  expires_at: number | null;
  /** Epoch seconds the model was consumed (codes, rotated refresh tokens); null: not consumed. */
  consumed_at: number | null;
}

/** Which account-access-consent a grant was given for, so tokens carry it and revoking the consent revokes them. */
export interface OidcConsentGrantRow {
  grant_id: string;
  consent_id: string;
  created_at: number;
}

/**
 * An access token that died with its consent: only its SHA-256 is kept, until it would have
 * expired, so a client presenting it hears "the consent was revoked" (403), not "unknown token".
 */
export interface RevokedAccessTokenRow {
  token_hash: string;
  consent_id: string;
  expires_at: number;
}

export interface OidcTables {
  oidc_models: OidcModelRow;
  oidc_consent_grants: OidcConsentGrantRow;
  oidc_revoked_access_tokens: RevokedAccessTokenRow;
}
