import { BusinessList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { requirePerson } from '../identity';
import { adminRoutes } from './admin.routes';
import { apiKeyRoutes } from './api-key.routes';
import { bsidRoutes } from './bsid.routes';
import { listDirectory } from './business.service';
import { memberRoutes } from './member.routes';
import { menuRoutes } from './menu.routes';

/**
 * Every business route: the directory people pick a bank from, members and keys (sessions),
 * the Business API (API keys) and the operator's admin API (operator token).
 */
export function businessRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    // On the root app (see skip-override below), so routes of other domains using
    // requireApiKey get the same request shape.
    app.decorateRequest('business', null);
    app.get(
      '/v1/businesses',
      { preHandler: requirePerson(ctx), schema: { tags: ['messaging'], summary: 'Businesses a person can talk to', response: { 200: BusinessList } } },
      async () => ({ businesses: await listDirectory(ctx) }),
    );
    await app.register(memberRoutes(ctx));
    await app.register(apiKeyRoutes(ctx));
    await app.register(bsidRoutes(ctx));
    await app.register(menuRoutes(ctx));
    await app.register(adminRoutes(ctx));
  };
  // The same symbol fastify-plugin sets: the decoration lands on the app, not only in this scope.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
