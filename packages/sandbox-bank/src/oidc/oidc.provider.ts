import { Provider, errors, type KoaContextLike } from 'oidc-provider';
import type { BankContext } from '../context';
import type { BankClient } from '../platform/config';
import { loadOrCreateSecret } from '../platform/secrets';
import { awaitingConsentOf, IntentError, readIntentId } from './intent.service';
import { sqliteAdapter } from './oidc.adapter';
import { bindRefreshTokenKey, findConsentOfGrant } from './oidc.repository';
import { renderOidcError } from './interaction.pages';
import { loadSigningKeys } from './signing.keys';

const fapiAlgs = ['PS256', 'ES256'];

function clientMetadata(client: BankClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: [...client.redirectUris],
    ...(client.jwks ? { jwks: client.jwks } : { jwks_uri: client.jwksUri }),
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    scope: 'openid accounts',
    id_token_signed_response_alg: 'PS256',
    dpop_bound_access_tokens: true,
    require_pushed_authorization_requests: true,
    // The customer signs in again for each connection unless they did within the last 5 minutes:
    // a browser someone else used earlier that day does not skip the password.
    default_max_age: 300,
  };
}

/** Check at PAR (and again at /auth) that the request names a consent this client may have authorised. */
function intentParam(ctx: BankContext) {
  return async (koa: KoaContextLike, _value: unknown, client: { clientId: string } | undefined) => {
    const route = koa.oidc?.route;
    if (route !== 'pushed_authorization_request' && route !== 'authorization') return;
    try {
      await awaitingConsentOf(ctx.db, { clientId: client?.clientId ?? '', consentId: readIntentId(koa.oidc?.params?.claims), now: ctx.clock.now() });
    } catch (error) {
      if (error instanceof IntentError) throw new errors.InvalidRequest(error.message);
      throw error;
    }
  };
}

/** The FAPI 2.0 security profile, as oidc-provider 8 spells it. */
const fapiProfile = {
  responseTypes: ['code'],
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: {
    clientAuthSigningAlgValues: fapiAlgs,
    dPoPSigningAlgValues: fapiAlgs,
    idTokenSigningAlgValues: fapiAlgs,
    requestObjectSigningAlgValues: fapiAlgs,
    userinfoSigningAlgValues: fapiAlgs,
    introspectionSigningAlgValues: fapiAlgs,
    authorizationSigningAlgValues: fapiAlgs,
  },
  pkce: { methods: ['S256'], required: () => true },
  features: {
    fapi: { enabled: true, profile: '2.0' },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
    dPoP: { enabled: true },
    claimsParameter: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
  },
  issueRefreshToken: async (_koa: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
  // Every refresh gives a new refresh token; replaying a used one revokes the whole grant.
  rotateRefreshToken: true,
  // Tokens outlive the bank's login session: the consent, not the session, decides how long access lasts.
  expiresWithSession: async () => false,
  // Each consent is authorised on its own: never reuse an earlier grant of the same client.
  loadExistingGrant: async (koa: { oidc: { result?: { consent?: { grantId?: string } }; provider: Provider } }) => {
    const grantId = koa.oidc.result?.consent?.grantId;
    return grantId ? koa.oidc.provider.Grant.find(grantId) : undefined;
  },
  findAccount: async (_koa: unknown, sub: string) => ({
    accountId: sub,
    // The consent id the client asked about was checked at PAR and authorised by this customer.
    claims: async (_use: string, _scope: string, claims: Record<string, { value?: unknown } | null> | undefined) => ({
      sub,
      ...(typeof claims?.openbanking_intent_id?.value === 'string' ? { openbanking_intent_id: claims.openbanking_intent_id.value } : {}),
    }),
  }),
  interactions: { url: async (_koa: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  renderError: renderOidcError,
};

/**
 * The bank's OpenID provider, configured to the FAPI 2.0 security profile: PAR required, PKCE
 * S256 only, DPoP-bound tokens, private_key_jwt, short single-use codes, `iss` in responses.
 */
export function createProvider(ctx: BankContext): Provider {
  const { config } = ctx;
  const provider = new Provider(config.publicUrl.origin, Object.assign({}, fapiProfile, {
    adapter: sqliteAdapter(ctx.db, ctx.clock),
    clients: config.clients.map(clientMetadata),
    jwks: loadSigningKeys(config.dataDir),
    cookies: { keys: [loadOrCreateSecret(config.dataDir, 'oidc-cookie.key').toString('base64url')] },
    scopes: ['openid', 'accounts'],
    claims: { openid: ['sub'], accounts: ['openbanking_intent_id'] },
    extraParams: { openbanking_intent_id: intentParam(ctx) },
    ttl: {
      AuthorizationCode: Math.min(config.codeTtlSeconds, 60),
      AccessToken: 600,
      IdToken: 300,
      ClientCredentials: 600,
      RefreshToken: 90 * 24 * 3600,
      Grant: 365 * 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      PushedAuthorizationRequest: 60,
    },
    extraTokenClaims: async (_koa: unknown, token: { grantId?: string }) => {
      const consentId = token.grantId ? await findConsentOfGrant(ctx.db, token.grantId) : null;
      return consentId ? { consentId } : undefined;
    },
  }));
  // Behind a TLS-terminating proxy (an https public URL), trust its X-Forwarded-Proto for secure cookies.
  provider.proxy = config.publicUrl.protocol === 'https:';
  provider.use(async (koa, next) => {
    await next();
    await bindIssuedRefreshToken(ctx, koa);
  });
  return provider;
}

async function bindIssuedRefreshToken(ctx: BankContext, koa: KoaContextLike): Promise<void> {
  if (koa.oidc?.route !== 'token' || koa.status !== 200) return;
  const body = koa.body as { refresh_token?: unknown } | undefined;
  const accessToken = koa.oidc.entities.AccessToken as { jkt?: string } | undefined;
  if (typeof body?.refresh_token === 'string' && accessToken?.jkt) await bindRefreshTokenKey(ctx.db, body.refresh_token, accessToken.jkt);
}
