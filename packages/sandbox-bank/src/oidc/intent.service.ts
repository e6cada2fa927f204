import type { Kysely } from 'kysely';
import type { BankTables } from '../database';
import { findConsent } from '../open-banking/consent.repository';
import type { ConsentRow } from '../open-banking/consent.table';

/** Why an authorization request cannot go ahead for its account-access-consent. */
export class IntentError extends Error {
  override readonly name = 'IntentError';
}

function claimValue(section: unknown): string | null {
  if (typeof section !== 'object' || section === null) return null;
  const claim = (section as Record<string, unknown>).openbanking_intent_id;
  if (typeof claim !== 'object' || claim === null) return null;
  const value = (claim as Record<string, unknown>).value;
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The ConsentId a client sent the Open Banking UK way: the `claims` parameter's
 * `openbanking_intent_id` value (in `id_token` or `userinfo`; both must agree when both are given).
 */
export function readIntentId(claimsParam: unknown): string | null {
  let claims: unknown = claimsParam;
  if (typeof claimsParam === 'string') {
    try {
      claims = JSON.parse(claimsParam);
    } catch {
      throw new IntentError('the claims parameter is not valid JSON');
    }
  }
  if (typeof claims !== 'object' || claims === null) return null;
  const { id_token: idToken, userinfo } = claims as Record<string, unknown>;
  const fromIdToken = claimValue(idToken);
  const fromUserinfo = claimValue(userinfo);
  if (fromIdToken && fromUserinfo && fromIdToken !== fromUserinfo) throw new IntentError('openbanking_intent_id differs between id_token and userinfo');
  return fromIdToken ?? fromUserinfo;
}

/** The consent a client may ask a customer to authorise: known, its own, and still awaiting authorisation. */
export async function awaitingConsentOf(db: Kysely<BankTables>, input: { clientId: string; consentId: string | null; now: number }): Promise<ConsentRow> {
  if (!input.consentId) throw new IntentError('an openbanking_intent_id claim (the ConsentId) is required');
  const consent = await findConsent(db, input.consentId);
  // One answer for unknown and someone else's: a client learns nothing about other clients' consents.
  if (!consent || consent.client_id !== input.clientId) throw new IntentError('unknown openbanking_intent_id');
  if (consent.status !== 'AWAU') throw new IntentError(`the consent is ${consent.status}, not AWAU (awaiting authorisation)`);
  if (consent.expires_at !== null && consent.expires_at <= input.now) throw new IntentError('the consent has expired');
  return consent;
}
