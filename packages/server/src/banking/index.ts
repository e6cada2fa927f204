/** Banking: institutions, linking (the OpenID/FAPI client), consents, the one gate and the Open Banking connector. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { bankEventRoutes } from './events.routes';
import { consentRoutes } from './consent.routes';
import { linkRoutes } from './link.routes';
import { moneyRoutes } from './money.routes';
import { connectorOf } from './ob.connector';

export { readFinancialData, type FinancialDataRequest, type FinancialDataResult, type FinancialData } from './gate.service';
export { upsertInstitution, listInstitutions, toInstitution, type InstitutionInput, type InstitutionContext } from './institution.service';
export { listConsents, revokeConsent } from './consent.service';
export type { InstitutionRow } from './banking.table';

/** Every banking route, and the connector's pools closed with the app. */
export function bankingRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(linkRoutes(ctx));
    await app.register(consentRoutes(ctx));
    await app.register(moneyRoutes(ctx));
    await app.register(bankEventRoutes(ctx));
    app.addHook('onClose', () => connectorOf(ctx).close());
  };
}
