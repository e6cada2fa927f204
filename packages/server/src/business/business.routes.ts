import { BusinessList } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { requirePerson } from '../identity';
import { listDirectory } from './business.service';

export function businessRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/businesses',
      { preHandler: requirePerson(ctx), schema: { tags: ['messaging'], summary: 'Businesses a person can talk to', response: { 200: BusinessList } } },
      async () => ({ businesses: await listDirectory(ctx) }),
    );
  };
}
