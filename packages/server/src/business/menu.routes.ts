import { BusinessMenu, SetBusinessMenuBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { businessOf, requireApiKey } from './api-key.hooks';
import { clearMenu, getMenu, setMenu } from './menu.service';

const tags = ['business-api'];
const path = '/v1/business/profile/menu';
// The bot that answers the postbacks sets the buttons that send them, with the key it sends with.
const scope = 'messages:send';
const scopeNote = 'Needs an API key with `messages:send`; it acts on the key\'s own business.';

/** Business API (API key): the get-started button and persistent menu people see in the conversation. */
export function menuRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requireApiKey(ctx, scope);

    app.get(
      path,
      { preHandler, schema: { tags, summary: 'The get-started button and persistent menu', description: scopeNote, response: { 200: BusinessMenu } } },
      async (request) => getMenu(ctx, businessOf(request).businessId),
    );

    app.put(
      path,
      {
        preHandler,
        schema: {
          tags,
          summary: 'Set the get-started button and/or persistent menu',
          description: `${scopeNote} Parts left out are kept; \`getStarted: null\` or \`persistentMenu: []\` removes one. At most 3 items, titles of at most 30 characters, https URLs. People's clients see the change the next time they load the business or conversation.`,
          body: SetBusinessMenuBody,
          response: { 200: BusinessMenu },
        },
      },
      async (request) => setMenu(ctx, businessOf(request).businessId, request.body),
    );

    app.delete(
      path,
      { preHandler, schema: { tags, summary: 'Remove the get-started button and persistent menu', description: scopeNote } },
      async (request, reply) => {
        await clearMenu(ctx, businessOf(request).businessId);
        return reply.code(204).send();
      },
    );
  };
}
