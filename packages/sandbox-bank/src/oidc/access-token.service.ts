import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWTPayload } from 'jose';
import type { Provider, TokenModel } from 'oidc-provider';
import type { Clock } from '../platform/clock';

/** Why a request to a protected resource was refused; the Open Banking routes answer 401. */
export type AccessTokenFailure = 'missing_token' | 'invalid_token' | 'invalid_dpop_proof' | 'consent_revoked';

export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
  constructor(
    readonly reason: AccessTokenFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The parts of an HTTP request the resource-server check reads. */
export interface ProtectedRequest {
  readonly method: string;
  /** The URL the client called, as the client saw it (the bank's public origin + path). */
  readonly url: URL;
  readonly authorization: string | undefined;
  readonly dpop: string | undefined;
}

/** What the bank keeps of a revoked access token: never the token itself. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** How far a DPoP proof's iat may be from the bank's clock. */
const proofWindowSeconds = 60;

/**
 * The resource server's check of a DPoP-bound access token (RFC 9449 §7): the token exists and
 * is live, and the request carries a fresh, unreplayed proof made with the key the token is bound to,
 * for this method and URL and this very token.
 */
export function accessTokenVerifier(deps: {
  provider: Provider;
  clock: Clock;
  claimJti: (input: { id: string; until: number }) => Promise<boolean>;
  /** The consent a token revoked with it served (by the token's SHA-256), or null. */
  revokedConsentOf: (tokenHash: string) => Promise<string | null>;
}) {
  const { provider, clock } = deps;

  async function verifyProof(request: ProtectedRequest): Promise<{ payload: JWTPayload; thumbprint: string }> {
    if (!request.dpop) throw new AccessTokenError('invalid_dpop_proof', 'A DPoP proof header is required.');
    try {
      const { payload, protectedHeader } = await jwtVerify(request.dpop, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'PS256'] });
      if (!protectedHeader.jwk || 'd' in protectedHeader.jwk) throw new Error('the proof must embed a public key');
      return { payload, thumbprint: await calculateJwkThumbprint(protectedHeader.jwk, 'sha256') };
    } catch (error) {
      throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is not a valid dpop+jwt.', { cause: error });
    }
  }

  function checkClaims(payload: JWTPayload, request: ProtectedRequest, token: string): void {
    const expectedUrl = `${request.url.origin}${request.url.pathname}`;
    const htu = typeof payload.htu === 'string' ? URL.parse(payload.htu) : null;
    if (payload.htm !== request.method) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is for another HTTP method.');
    if (!htu || `${htu.origin}${htu.pathname}` !== expectedUrl) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is for another URL.');
    const now = Math.floor(clock.now() / 1000);
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > proofWindowSeconds) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is not fresh.');
    if (payload.ath !== createHash('sha256').update(token).digest('base64url')) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is for another access token.');
    if (typeof payload.jti !== 'string' || payload.jti.length > 200) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof has no usable jti.');
  }

  return async function verify(request: ProtectedRequest): Promise<{ token: TokenModel; consentId: string | null }> {
    const match = /^DPoP ([\w\-.~+/]+=*)$/.exec(request.authorization ?? '');
    if (!match?.[1]) throw new AccessTokenError('missing_token', 'An "Authorization: DPoP <access token>" header is required.');
    const value = match[1];
    const { payload, thumbprint } = await verifyProof(request);
    checkClaims(payload, request, value);
    const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
    if (!token && (await deps.revokedConsentOf(accessTokenHash(value)))) {
      throw new AccessTokenError('consent_revoked', 'The consent this access token was granted for has been revoked.');
    }
    if (!token || token.isExpired) throw new AccessTokenError('invalid_token', 'The access token is unknown, expired or revoked.');
    if (!token.jkt || token.jkt !== thumbprint) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof was made with another key than the one the token is bound to.');
    // Kept past the freshness window on both sides, after which iat refuses the proof anyway.
    const id = createHash('sha256').update(`${thumbprint}:${String(payload.jti)}`).digest('base64url');
    if (!(await deps.claimJti({ id, until: clock.now() + 2 * proofWindowSeconds * 1000 }))) {
      throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof was already used.');
    }
    const consentId = token.extra?.consentId;
    return { token, consentId: typeof consentId === 'string' ? consentId : null };
  };
}
