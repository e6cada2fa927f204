/** Alerts: the Alert API, delivery as cards in the bank's conversation, answers and preferences. Other domains import only from here. */
import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context';
import { mendUndelivered } from './alert.redelivery';
import { alertApiRoutes } from './alert.routes';
import type { AlertMessaging } from './alert.service';
import { personAlertRoutes } from './person.routes';

export type { AlertTables } from './alert.table';
export { mendUndelivered } from './alert.redelivery';
export { listPreferences } from './preference.service';
export { listRelatedBusinesses, type RelatedBusinessRow } from './preference.repository';

/**
 * Every alert route (the bank's Alert API and the person's answers, history and switches), and
 * once the app is ready, the mending of cards and answers a crash left out of their conversations.
 *
 * @example
 * await app.register(alertRoutes(ctx, messaging));
 */
export function alertRoutes(ctx: ServerContext, messaging: AlertMessaging): FastifyPluginAsync {
  return async (app) => {
    await app.register(alertApiRoutes(ctx, messaging));
    await app.register(personAlertRoutes(ctx, messaging));
    app.addHook('onReady', async () => {
      await mendUndelivered(ctx, messaging).catch((error: unknown) => ctx.log.error({ err: error }, 'mending undelivered alerts failed'));
    });
  };
}
