import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BankContext } from '../context';

/** What a valid access token presented to the bank's APIs says. */
export interface VerifiedAccessToken {
  readonly clientId: string;
  /** The account-access-consent this token was granted for; null for a client-credentials token. */
  readonly consentId: string | null;
  readonly scope: string;
}

/** The bank's OpenID provider, as the rest of the bank uses it. */
export interface BankOidc {
  /**
   * Check the request's `Authorization: DPoP <token>` and its `DPoP` proof (key bound to the
   * token, htm/htu match, fresh, not replayed). Throws when anything is wrong.
   */
  verifyAccessToken(request: FastifyRequest): Promise<VerifiedAccessToken>;
  /** Revoke every token and grant issued for this consent (consent revoked or deleted). */
  revokeConsentGrants(consentId: string): Promise<void>;
}

/** Mount the OpenID provider (discovery, PAR, authorize, token, JWKS, …) and its login and consent pages. */
export async function registerOidc(_app: FastifyInstance, _ctx: BankContext): Promise<BankOidc> {
  // Placeholder until the OpenID provider lands.
  return {
    verifyAccessToken: () => Promise.reject(new Error('The OpenID provider is not built yet.')),
    revokeConsentGrants: () => Promise.resolve(),
  };
}
