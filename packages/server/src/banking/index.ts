/** Banking: institutions, linking (the OpenID/FAPI client), consents, the one gate and the Open Banking connector. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { WakeLoop } from '../platform/wake.loop';
import { bankEventRoutes } from './events.routes';
import { consentRoutes } from './consent.routes';
import { linkRoutes } from './link.routes';
import { moneyRoutes } from './money.routes';
import { cacheSweepEveryMs, sweepExpiredCache } from './data-cache';
import { connectorOf } from './ob.connector';
import { remindRenewals, startRenewalReminders } from './renewal.service';

export { readFinancialData, type FinancialDataRequest, type FinancialDataResult, type FinancialData } from './gate.service';
export { upsertInstitution, listInstitutions, toInstitution, type InstitutionInput, type InstitutionContext } from './institution.service';
export { listConsents, revokeConsent } from './consent.service';
export type { InstitutionRow } from './banking.table';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's banking jobs, for tests that move time. */
    banking: { remindRenewals(): Promise<number>; sweepExpiredCache(): Promise<number> };
  }
}

/**
 * Every banking route; the renewal reminders and the sweep of expired cached data start once the
 * app is ready, and stop (with the connector's pools) when it closes.
 */
export function bankingRoutes(ctx: ServerContext): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    app.decorate('banking', { remindRenewals: () => remindRenewals(ctx), sweepExpiredCache: () => sweepExpiredCache(ctx) });
    const cacheSweep = new WakeLoop(async () => {
      await sweepExpiredCache(ctx).catch((error: unknown) => ctx.log.warn({ err: error }, 'sweeping expired bank data failed'));
    }, cacheSweepEveryMs);
    await app.register(linkRoutes(ctx));
    await app.register(consentRoutes(ctx));
    await app.register(moneyRoutes(ctx));
    await app.register(bankEventRoutes(ctx));
    let reminders: { stop(): Promise<void> } | undefined;
    app.addHook('onReady', async () => {
      reminders = startRenewalReminders(ctx);
      cacheSweep.wake();
    });
    app.addHook('onClose', async () => {
      await reminders?.stop();
      await cacheSweep.close();
      await connectorOf(ctx).close();
    });
  };
  // Decorate the app itself, not only this plugin's scope (what fastify-plugin does).
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
