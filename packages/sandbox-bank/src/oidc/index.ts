import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KoaContextLike } from 'oidc-provider';
import type { BankContext } from '../context';
import { accessTokenHash, accessTokenVerifier } from './access-token.service';
import { registerInteractionRoutes } from './interaction.routes';
import { createProvider } from './oidc.provider';
import { endConsent, findConsent } from '../open-banking/consent.repository';
import {
  claimProofJti,
  deleteExpiredModels,
  destroyModel,
  destroyModelsOfGrant,
  findConsentOfGrant,
  findRevokedAccessToken,
  listGrantsOfConsent,
  rememberRevokedAccessTokens,
} from './oidc.repository';
import { mountProvider } from './oidc.routes';

export { AccessTokenError, type AccessTokenFailure } from './access-token.service';
export { permissionInWords } from './permission.words';

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
   * token, htm/htu match, fresh, not replayed). Throws an `AccessTokenError` (with a `reason`)
   * when anything is wrong; answer it with 401.
   */
  verifyAccessToken(request: FastifyRequest): Promise<VerifiedAccessToken>;
  /** Revoke every token and grant issued for this consent (consent revoked or deleted): refreshing then fails with invalid_grant. */
  revokeConsentGrants(consentId: string): Promise<void>;
}

function single(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? undefined : header;
}

/**
 * The client revoked its refresh token at /token/revocation (oidc-provider then revokes the whole
 * grant): the consent behind it is over too, exactly as if the client had deleted it.
 */
async function endConsentOfRevokedGrant(ctx: BankContext, grantId: string): Promise<void> {
  const consentId = await findConsentOfGrant(ctx.db, grantId);
  const consent = consentId ? await findConsent(ctx.db, consentId) : undefined;
  if (!consent || !(await endConsent(ctx.db, { id: consent.id, status: 'CANC', at: ctx.clock.now() }))) return;
  ctx.events.emit('consent.revoked', { consentId: consent.id, clientId: consent.client_id, by: 'client' });
}

/** Mount the OpenID provider (discovery, PAR, authorize, token, JWKS, …) and its login and consent pages. */
export async function registerOidc(app: FastifyInstance, ctx: BankContext): Promise<BankOidc> {
  await deleteExpiredModels(ctx.db, ctx.clock.now());
  // Spent codes, old tokens and remembered DPoP proofs pile up otherwise.
  const sweeper = setInterval(() => {
    deleteExpiredModels(ctx.db, ctx.clock.now()).catch((error: unknown) => ctx.log.error({ err: error }, 'could not delete expired OpenID rows'));
  }, 10 * 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));
  const provider = createProvider(ctx);
  await mountProvider(app, provider);
  registerInteractionRoutes(app, ctx, provider);
  provider.on('grant.revoked', (koa, grantId) => {
    if ((koa as KoaContextLike).oidc?.route !== 'revocation' || typeof grantId !== 'string') return;
    endConsentOfRevokedGrant(ctx, grantId).catch((error: unknown) => ctx.log.error({ err: error, grantId }, 'could not end the consent of a revoked grant'));
  });
  const verify = accessTokenVerifier({
    provider,
    clock: ctx.clock,
    claimJti: (input) => claimProofJti(ctx.db, input),
    revokedConsentOf: (tokenHash) => findRevokedAccessToken(ctx.db, tokenHash, ctx.clock.now()),
  });

  const revokeConsentGrants = async (consentId: string) => {
    for (const grantId of await listGrantsOfConsent(ctx.db, consentId)) {
      await rememberRevokedAccessTokens(ctx.db, { grantId, consentId, hash: accessTokenHash });
      await destroyModelsOfGrant(ctx.db, grantId);
      await destroyModel(ctx.db, 'Grant', grantId);
    }
  };
  // Whoever ends a consent (the customer at Connected apps, the client by DELETE) also ends its tokens.
  ctx.events.on('consent.revoked', ({ consentId }) => {
    revokeConsentGrants(consentId).catch((error: unknown) => ctx.log.error({ err: error, consentId }, 'could not revoke the grants of a consent'));
  });

  return {
    async verifyAccessToken(request) {
      const { token, consentId } = await verify({
        method: request.method,
        url: new URL(request.url, ctx.config.publicUrl.origin),
        authorization: single(request.headers.authorization),
        dpop: single(request.headers.dpop),
      });
      return { clientId: token.clientId, consentId, scope: token.scope ?? '' };
    },
    revokeConsentGrants,
  };
}
