import { categoryPurposes, defaultConsentDays, type CreatedLink, type CreateLinkBody, type DataCategory } from '@parley/protocol';
import * as oidc from 'openid-client';
import type { ServerContext } from '../context';
import type { Principal } from '../identity';
import { AppError } from '../platform/errors';
import { dataKeyOf, openText, seal } from '../privacy';
import type { InstitutionRow, LinkSessionRow } from './banking.table';
import { requireInstitution } from './institution.service';
import * as links from './link.repository';
import { bankCall, connectorOf } from './ob.connector';
import { checkBankAnswer, ObConsentCreated, obPermissions } from './ob.schemas';
import { exportDPoPKeys } from './token.service';

/** A link must come back within 10 minutes. */
export const linkSessionTtlMs = 10 * 60_000;
const dayMs = 24 * 60 * 60_000;
const sessionKeyOwner = { kind: 'service', id: 'link-sessions' } as const;
const sessionAad = (state: string) => ({ table: 'link_sessions', rowId: state, owner: 'service:link-sessions' });

export const callbackPath = '/v1/links/callback';

/** What a link session keeps sealed: the PKCE verifier and the link's DPoP key pair. */
export interface LinkSecrets {
  readonly codeVerifier: string;
  readonly dpopKeys: string;
}

export function purposesOf(categories: readonly DataCategory[]): { category: DataCategory; purpose: string }[] {
  return categories.map((category) => ({ category, purpose: categoryPurposes[category] }));
}

/** POST /account-access-consents with a client-credentials token: the bank's ConsentId. */
async function createBankConsent(ctx: ServerContext, input: { institution: InstitutionRow; categories: readonly DataCategory[]; expiresAt: number }): Promise<string> {
  const connector = connectorOf(ctx);
  const service = await connector.clientCredentialsToken(input.institution);
  const created = await connector.obRequest(input.institution, {
    path: '/account-access-consents',
    method: 'POST',
    accessToken: service.token,
    dpop: service.dpop,
    body: { Data: { Permissions: obPermissions(input.categories), ExpirationDateTime: new Date(input.expiresAt).toISOString() }, Risk: {} },
  });
  if (created.status !== 201) throw new AppError('ERR_BANK_UNAVAILABLE', { message: `${input.institution.name} refused the consent request (${created.status}).` });
  return checkBankAnswer(ObConsentCreated, created.json, 'consent').Data.ConsentId;
}

/**
 * Start linking a bank: the consent at the bank, then a pushed authorization request (PKCE S256,
 * a DPoP key of this link, private_key_jwt), remembered for 10 minutes with `state` bound to this
 * session. Returns where to send the browser.
 */
export async function startLink(ctx: ServerContext, input: { principal: Principal; body: CreateLinkBody }): Promise<CreatedLink> {
  const institution = await requireInstitution(ctx, input.body.institutionId);
  const categories = [...new Set(input.body.permissions)];
  const now = ctx.clock.now();
  const consentExpiresAt = now + (input.body.expiresInDays ?? defaultConsentDays) * dayMs;
  const bankConsentId = await createBankConsent(ctx, { institution, categories, expiresAt: consentExpiresAt });

  const config = await connectorOf(ctx).configFor(institution);
  const dpopKeys = await oidc.randomDPoPKeyPair('ES256', { extractable: true });
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const claim = { openbanking_intent_id: { value: bankConsentId, essential: true } };
  const parameters = {
    redirect_uri: new URL(callbackPath, ctx.config.publicUrl).href,
    scope: 'openid accounts',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    claims: JSON.stringify({ id_token: claim, userinfo: claim }),
  };
  const url = await bankCall(institution, () => oidc.buildAuthorizationUrlWithPAR(config, parameters, { DPoP: oidc.getDPoPHandle(config, dpopKeys) }));

  const secrets: LinkSecrets = { codeVerifier, dpopKeys: await exportDPoPKeys(dpopKeys) };
  const keyId = await dataKeyOf(ctx, sessionKeyOwner);
  const expiresAt = now + linkSessionTtlMs;
  await links.deleteExpiredLinkSessions(ctx.db, now);
  await links.insertLinkSession(ctx.db, {
    state,
    person_id: input.principal.personId,
    session_id: input.principal.sessionId,
    institution_id: institution.id,
    bank_consent_id: bankConsentId,
    categories: JSON.stringify(categories),
    consent_expires_at: consentExpiresAt,
    secrets_sealed: await seal(ctx, { keyId, aad: sessionAad(state) }, JSON.stringify(secrets)),
    created_at: now,
    expires_at: expiresAt,
  });
  return { authorizationUrl: url.href, expiresAt, permissions: purposesOf(categories), consentExpiresAt };
}

/**
 * The link session this callback belongs to, taken (single use): it must exist, be younger than
 * 10 minutes, and have been started in the caller's session.
 */
export async function takeLinkSession(ctx: ServerContext, input: { state: string | undefined; principal: Principal | null }): Promise<{ session: LinkSessionRow; secrets: LinkSecrets }> {
  if (!input.state) throw new AppError('ERR_LINK_EXPIRED');
  const session = await links.takeLinkSession(ctx.db, input.state);
  if (!session || session.expires_at <= ctx.clock.now()) throw new AppError('ERR_LINK_EXPIRED');
  if (!input.principal || input.principal.sessionId !== session.session_id) throw new AppError('ERR_LINK_SESSION_MISMATCH');
  const secrets = JSON.parse(await openText(ctx, { aad: sessionAad(session.state) }, session.secrets_sealed)) as LinkSecrets;
  return { session, secrets };
}
