import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { loadOrCreateJson } from '../platform/secrets';

/** The SET type of an Open Banking consent revoked at the bank (Event Notification API). */
export const consentRevokedEvent = 'urn:uk:org:openbanking:events:consent-authorization-revoked';

/** The bank's key for signing event notifications, and its public JWKS for clients to verify them. */
export interface EventSigner {
  readonly jwks: { keys: JWK[] };
  sign(claims: Record<string, unknown>): Promise<string>;
}

/**
 * An ES256 key of its own, made on first start in the data folder (0600) and the same after a
 * restart, so a client that cached the JWKS still verifies. Published at /open-banking/jwks.
 */
export async function loadEventSigner(dataDir: string): Promise<EventSigner> {
  const privateJwk = loadOrCreateJson<JWK>(dataDir, 'event-signing-key.json', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK);
  const kid = await calculateJwkThumbprint(privateJwk);
  const { d: _private, ...publicJwk } = privateJwk;
  const key = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  return {
    // kty first, then the rest: the key comes from a JSON file, and Object.assign would turn a "__proto__" key into the prototype.
    jwks: { keys: [{ kty: publicJwk.kty, ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'secevent+jwt' }).sign(key),
  };
}

/**
 * The Security Event Token telling a client the customer revoked its consent at the bank, in the
 * shape of the OB Event Notification API (OBEventNotification1): iss, iat, jti, aud, sub (the
 * consent's URL), txn, toe and the event with its subject (rid, rty, rlk).
 */
export function consentRevokedClaims(input: { issuer: string; clientId: string; consentId: string; consentUrl: string; at: number }): Record<string, unknown> {
  const seconds = Math.floor(input.at / 1000);
  return {
    iss: input.issuer,
    iat: seconds,
    jti: randomUUID(),
    aud: input.clientId,
    sub: input.consentUrl,
    txn: randomUUID(),
    toe: seconds,
    events: {
      [consentRevokedEvent]: {
        subject: {
          subject_type: 'http://openbanking.org.uk/rid_http://openbanking.org.uk/rty',
          'http://openbanking.org.uk/rid': input.consentId,
          'http://openbanking.org.uk/rty': 'account-access-consent',
          'http://openbanking.org.uk/rlk': [{ version: 'v4.0', link: input.consentUrl }],
        },
      },
    },
  };
}
