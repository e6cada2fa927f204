import { BusinessMenu, BusinessParams, SetBusinessMenuBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { businessOf, requireApiKey } from './api-key.hooks';
import { authorizeMember, rolesAllowed } from './member.service';
import { clearMenu, getMenu, setMenu } from './menu.service';

const tags = ['business-api'];
const path = '/v1/business/profile/menu';
// The bot that answers the postbacks sets the buttons that send them, with the key it sends with.
const scope = 'messages:send';
const scopeNote = 'Needs an API key with `messages:send`; it acts on the key\'s own business.';
const setNote = 'Parts left out are kept; `getStarted: null` or `persistentMenu: []` removes one. At most 3 items, titles of at most 30 characters, https URLs. People\'s clients see the change the next time they load the business or conversation.';
const consoleNote = 'Agent console, with the session: owners only. A business you are not a member of answers 404; another role, 403. Same body and rules as `PUT /v1/business/profile/menu`.';

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
          description: `${scopeNote} ${setNote}`,
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

    await app.register(consoleMenuRoutes(ctx));
  };
}

/** The same menu from the console's profile page, for the business's owners (session, not API key). */
function consoleMenuRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);
    const consoleTags = ['console'];
    const asOwner = async (request: FastifyRequest, businessId: string) => {
      await authorizeMember(ctx, { businessId, personId: principalOf(request).personId }, rolesAllowed.manageMenu);
    };

    app.get(
      '/v1/business/:businessId/menu',
      { preHandler, schema: { tags: consoleTags, summary: 'The get-started button and persistent menu (owner)', description: consoleNote, params: BusinessParams, response: { 200: BusinessMenu } } },
      async (request) => {
        await asOwner(request, request.params.businessId);
        return getMenu(ctx, request.params.businessId);
      },
    );

    app.put(
      '/v1/business/:businessId/menu',
      {
        preHandler,
        schema: { tags: consoleTags, summary: 'Set the get-started button and/or persistent menu (owner)', description: `${consoleNote} ${setNote}`, params: BusinessParams, body: SetBusinessMenuBody, response: { 200: BusinessMenu } },
      },
      async (request) => {
        await asOwner(request, request.params.businessId);
        return setMenu(ctx, request.params.businessId, request.body);
      },
    );
  };
}
