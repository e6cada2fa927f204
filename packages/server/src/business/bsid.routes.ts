import { BsidParams, BsidView } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { businessOf, requireApiKey } from './api-key.hooks';
import { describeBsid } from './bsid.service';

/** Business API (API key): what a business may know about a person it names by BSID. */
export function bsidRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/bsids/:bsid',
      {
        preHandler: requireApiKey(ctx, 'messages:send'),
        schema: {
          tags: ['business-api'],
          summary: 'A person, by the id this business knows them by',
          description: 'Needs an API key with `messages:send`. Another business\'s BSID answers 404, like one that does not exist.',
          params: BsidParams,
          response: { 200: BsidView },
        },
      },
      async (request) => describeBsid(ctx, businessOf(request).businessId, request.params.bsid),
    );
  };
}
