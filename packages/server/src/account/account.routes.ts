import { AccountDeleted, AccountExport, DeleteAccountBody } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServerContext } from '../context';
import { clearSessionCookie, principalOf, requirePerson } from '../identity';
import { deleteAccount, exportAccount } from './account.service';

const tags = ['account'];

/** The person's own data: download all of it, or delete the account. */
export function accountRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/account/export',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Download everything Parley holds about me (JSON)',
          description:
            'Profile, passkeys, sessions, conversations and messages, the id each bank knows me by, consents, receipts (JWS), the access log with its chain check. No token, key or hash; nothing of anyone else. Sent as an attachment.',
          response: { 200: AccountExport },
        },
      },
      async (request, reply) => {
        const data = await exportAccount(ctx, principalOf(request));
        const day = new Date(data.exportedAt).toISOString().slice(0, 10);
        void reply.header('content-disposition', `attachment; filename="parley-export-${day}.json"`).header('cache-control', 'no-store');
        return data;
      },
    );

    app.delete(
      '/v1/account',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Delete my account',
          description:
            'Needs the CSRF token and `{"confirm": "delete my account"}` (anything else is ERR_VALIDATION). Revokes every active consent at its bank, signs out every session, destroys every data key of mine and of my consents (crypto-shredding), and deletes my profile, passkeys, conversations, consents, receipts and access log. Cannot be undone.',
          body: DeleteAccountBody,
          response: { 200: AccountDeleted },
        },
      },
      async (request, reply) => {
        const result = await deleteAccount(ctx, principalOf(request).personId);
        clearSessionCookie(ctx.config, reply);
        return result;
      },
    );
  };
}
