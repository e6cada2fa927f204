import { accessPurposes, type DataCategory } from '@parley/protocol';
import * as oidc from 'openid-client';
import { bsidFor } from '../business';
import type { ServerContext } from '../context';
import type { Principal } from '../identity';
import { openConversationOf } from '../messaging';
import { AppError, isAppError } from '../platform/errors';
import { createDataKey, destroyKeysOfOwner, signConsentReceipt } from '../privacy';
import { notifyWebhooks, recordEvents } from '../webhooks';
import type { ConsentRow, InstitutionRow, LinkSessionRow } from './banking.table';
import * as consents from './consent.repository';
import { requireInstitution } from './institution.service';
import { takeLinkSession, type LinkSecrets } from './link.service';
import { connectorOf } from './ob.connector';
import { obPermissions } from './ob.schemas';
import { importDPoPKeys, sealTokens } from './token.service';

/** The bank's answer in the callback: an error (cancelled, refused) or a code to redeem. */
function bankRefusal(url: URL): AppError | null {
  const error = url.searchParams.get('error');
  if (!error) return null;
  const code = error === 'access_denied' || error === 'consent_required' || error === 'login_required' ? 'ERR_LINK_CANCELLED' : 'ERR_LINK_FAILED';
  return new AppError(code, { message: code === 'ERR_LINK_FAILED' ? `The bank answered ${error}; nothing was linked.` : undefined });
}

/** Redeem the code with the link's DPoP key (openid-client checks iss and state) for the consent Parley asked for. */
async function redeemCode(
  ctx: ServerContext,
  input: { institution: InstitutionRow; session: LinkSessionRow; secrets: LinkSecrets; callbackUrl: URL },
): Promise<{ response: oidc.TokenEndpointResponse; refreshToken: string }> {
  const config = await connectorOf(ctx).configFor(input.institution);
  const dpop = oidc.getDPoPHandle(config, await importDPoPKeys(input.secrets.dpopKeys));
  let response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  try {
    const checks = { pkceCodeVerifier: input.secrets.codeVerifier, expectedState: input.session.state };
    response = await oidc.authorizationCodeGrant(config, input.callbackUrl, checks, undefined, { DPoP: dpop });
  } catch (error) {
    throw new AppError('ERR_LINK_FAILED', { cause: error });
  }
  const refreshToken = response.refresh_token;
  if (response.claims()?.openbanking_intent_id !== input.session.bank_consent_id || !refreshToken) {
    throw new AppError('ERR_LINK_FAILED', { message: 'The bank authorised another consent than the one Parley asked for; nothing was linked.' });
  }
  return { response, refreshToken };
}

/**
 * Finish a link at the callback: check the session and state, redeem the code (iss checked by
 * openid-client, DPoP-bound tokens), then record the consent with its tokens sealed under a new
 * per-consent data key, tell the bank (`link.completed` with the BSID), sign a consent receipt
 * and open the conversation. Any failure before the consent is stored leaves nothing behind.
 */
export async function completeLink(ctx: ServerContext, input: { principal: Principal | null; callbackUrl: URL }): Promise<{ institutionId: string; consentId: string }> {
  const { session, secrets } = await takeLinkSession(ctx, { state: input.callbackUrl.searchParams.get('state') ?? undefined, principal: input.principal });
  const refusal = bankRefusal(input.callbackUrl);
  if (refusal) throw refusal;
  const institution = await requireInstitution(ctx, session.institution_id);
  const { response, refreshToken } = await redeemCode(ctx, { institution, session, secrets, callbackUrl: input.callbackUrl });
  const categories = JSON.parse(session.categories) as DataCategory[];
  const consentId = ctx.random.uuid();
  const now = ctx.clock.now();
  const keyId = await createDataKey(ctx, { kind: 'consent', id: consentId });
  const consent: ConsentRow = {
    id: consentId,
    person_id: session.person_id,
    institution_id: institution.id,
    bank_consent_id: session.bank_consent_id,
    categories: session.categories,
    permissions: JSON.stringify(obPermissions(categories)),
    status: 'active',
    data_key_id: keyId,
    created_at: now,
    expires_at: session.consent_expires_at,
    ended_at: null,
    ended_by: null,
    last_access_at: null,
    renewal_reminded_at: null,
  };
  try {
    const tokens = await sealTokens(ctx, { consentId, keyId, response, dpop: { keys: secrets.dpopKeys }, refreshToken, version: 1 });
    const bsid = await bsidFor(ctx, institution.business_id, session.person_id);
    await consents.insertConsentWithTokens(ctx.db, {
      consent,
      tokens,
      alsoInTransaction: (trx) =>
        recordEvents(trx, ctx, [{ businessId: institution.business_id, type: 'link.completed', data: { bsid, consentId: session.bank_consent_id, permissions: categories, expiresAt: consent.expires_at } }]),
    });
  } catch (error) {
    await destroyKeysOfOwner(ctx, { kind: 'consent', id: consentId });
    throw isAppError(error) ? error : new AppError('ERR_LINK_FAILED', { cause: error });
  }
  notifyWebhooks(ctx);
  await signConsentReceipt(ctx, {
    personId: consent.person_id,
    institution: { id: institution.id, name: institution.name },
    consentId,
    permissions: categories,
    purposes: [...accessPurposes],
    grantedAt: now,
    expiresAt: consent.expires_at,
  });
  // The link stands even if the chat cannot be opened now; the person can open it from the directory.
  await openConversationOf(ctx, { personId: consent.person_id, businessId: institution.business_id }).catch((error: unknown) =>
    ctx.log.warn({ err: error, consentId }, 'linked, but the conversation with the bank could not be opened'),
  );
  return { institutionId: institution.id, consentId };
}
