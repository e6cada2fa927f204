import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { ServerContext } from '../context';
import { findInstitutionByIssuer } from './institution.service';

/** The SET type of an Open Banking consent revoked at the bank. */
export const consentRevokedEvent = 'urn:uk:org:openbanking:events:consent-authorization-revoked';

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksOf(url: string): ReturnType<typeof createRemoteJWKSet> {
  let jwks = jwksCache.get(url);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
    jwksCache.set(url, jwks);
  }
  return jwks;
}

/**
 * Verify a bank's SET: the issuer names a known bank, the signature verifies with that bank's
 * event keys, the audience is Parley's client id there, the type is `secevent+jwt`. Null when
 * any of that fails; the consent it revokes (the bank's ConsentId) otherwise.
 */
export async function verifyBankEvent(ctx: ServerContext, token: string): Promise<{ institutionId: string; revokedConsentId: string | null } | null> {
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    return null;
  }
  if (typeof issuer !== 'string') return null;
  const institution = await findInstitutionByIssuer(ctx.db, issuer.replace(/\/$/, ''));
  if (!institution) return null;
  try {
    const { payload } = await jwtVerify(token, jwksOf(institution.events_jwks_uri), {
      issuer,
      audience: institution.client_id,
      typ: 'secevent+jwt',
      algorithms: ['ES256', 'PS256'],
      currentDate: new Date(ctx.clock.now()),
      maxTokenAge: '1 day',
    });
    const events = (payload.events ?? {}) as Record<string, { subject?: Record<string, unknown> } | undefined>;
    const revoked = events[consentRevokedEvent]?.subject?.['http://openbanking.org.uk/rid'];
    return { institutionId: institution.id, revokedConsentId: typeof revoked === 'string' ? revoked : null };
  } catch (error) {
    ctx.log.warn({ err: error, issuer }, 'a bank event did not verify');
    return null;
  }
}
