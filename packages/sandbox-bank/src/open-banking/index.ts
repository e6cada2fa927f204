import type { FastifyInstance } from 'fastify';
import type { BankContext } from '../context';
import type { BankOidc } from '../oidc';
import { registerConnectedApps } from '../pages/connected-apps.routes';
import { registerAccountRoutes } from './accounts.routes';
import { registerConsentRoutes } from './consent.routes';
import { startEventDelivery } from './event-delivery';
import { loadEventSigner } from './event-signing';
import { installObErrorHandling } from './ob-http';

export { authoriseConsent, endConsent, findConsent, listConsentsOfCustomer } from './consent.repository';
export type { ConsentRow, ConsentStatus } from './consent.table';
export { accountIdsOf, permissionsOf } from './consent.service';
export { describePermission, supportedPermissions, type Permission } from './permissions';

/** Where the Account and Transaction API v4.0 is mounted (the document's servers url). */
export const aispBasePath = '/open-banking/v4.0/aisp';

/**
 * Mount the Open Banking UK Account and Transaction API v4.0 under /open-banking/v4.0/aisp, the
 * bank's event-signing JWKS at /open-banking/jwks, and the customer's Connected apps page; start
 * delivering queued consent events (stopped when the app closes).
 */
export async function registerOpenBanking(app: FastifyInstance, ctx: BankContext, oidc: BankOidc): Promise<void> {
  const signer = await loadEventSigner(ctx.config.dataDir);
  const delivery = startEventDelivery(ctx);
  app.addHook('onClose', async () => delivery.stop());
  await app.register(
    async (scope) => {
      installObErrorHandling(scope, ctx, aispBasePath);
      registerConsentRoutes(scope, ctx, oidc);
      registerAccountRoutes(scope, ctx, oidc);
    },
    { prefix: aispBasePath },
  );
  app.get('/open-banking/jwks', async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(signer.jwks));
  registerConnectedApps(app, ctx, { oidc, signer, delivery });
}
