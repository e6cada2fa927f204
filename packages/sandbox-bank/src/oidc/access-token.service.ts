import { hash } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
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
  return hash('sha256', token, 'base64url');
}

/** How far a DPoP proof's iat may be from the bank's clock. */
const proofWindowSeconds = 60;

/** A proof's public key as imported, with its RFC 7638 thumbprint. */
interface ProofKey {
  readonly key: CryptoKey;
  readonly thumbprint: string;
}

/** Imported proof keys past which the cache starts over (a client keeps one DPoP key for many calls). */
const proofKeyCacheSize = 10_000;

/**
 * The public key embedded in a DPoP proof, imported (and its thumbprint computed) once per key
 * and algorithm, not once per request: importing costs more than verifying. The cache is keyed
 * by the thumbprint's own input (the key's required members), so two spellings of one key share
 * an entry and nothing else does.
 */
function proofKeyResolver(): (header: ProtectedHeaderParameters) => Promise<ProofKey> {
  const keys = new Map<string, Promise<ProofKey>>();
  return (header) => {
    const jwk = header.jwk;
    if (!jwk || typeof jwk !== 'object' || 'd' in jwk) return Promise.reject(new Error('the proof must embed a public key'));
    const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : null;
    if (!members || Object.values(members).some((value) => typeof value !== 'string')) return Promise.reject(new Error('the proof key must be an EC or RSA public key'));
    const cacheKey = `${String(header.alg)} ${JSON.stringify(members)}`;
    let entry = keys.get(cacheKey);
    if (!entry) {
      if (keys.size >= proofKeyCacheSize) keys.clear();
      const publicJwk = { ...members } as JWK;
      entry = Promise.all([importJWK(publicJwk, header.alg), calculateJwkThumbprint(publicJwk, 'sha256')]).then(([key, thumbprint]) => ({ key: key as CryptoKey, thumbprint }));
      // A key that does not import is not remembered.
      entry.catch(() => keys.delete(cacheKey));
      keys.set(cacheKey, entry);
    }
    return entry;
  };
}

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
  const proofKey = proofKeyResolver();

  async function verifyProof(request: ProtectedRequest): Promise<{ payload: JWTPayload; thumbprint: string }> {
    if (!request.dpop) throw new AccessTokenError('invalid_dpop_proof', 'A DPoP proof header is required.');
    try {
      let thumbprint = '';
      const { payload } = await jwtVerify(
        request.dpop,
        async (header) => {
          const resolved = await proofKey(header);
          thumbprint = resolved.thumbprint;
          return resolved.key;
        },
        { typ: 'dpop+jwt', algorithms: ['ES256', 'PS256'] },
      );
      return { payload, thumbprint };
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
    if (payload.ath !== hash('sha256', token, 'base64url')) throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof is for another access token.');
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
    const id = hash('sha256', `${thumbprint}:${String(payload.jti)}`, 'base64url');
    if (!(await deps.claimJti({ id, until: clock.now() + 2 * proofWindowSeconds * 1000 }))) {
      throw new AccessTokenError('invalid_dpop_proof', 'The DPoP proof was already used.');
    }
    const consentId = token.extra?.consentId;
    return { token, consentId: typeof consentId === 'string' ? consentId : null };
  };
}
