import { AccessLogPage, AccessLogQuery, Jwks, Receipt, ReceiptList, ReceiptParams } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf, requirePerson } from '../identity';
import { listAccess } from './access-log.service';
import type { ServerContext } from '../context';
import { getReceipt, listReceipts } from './receipt.service';
import { publicJwks } from './signing-key.service';

const tags = ['privacy'];

/** `Accept: application/jose` (alone or preferred over JSON) asks for the bare JWS. */
function wantsJose(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
  const jose = types.indexOf('application/jose');
  const json = types.indexOf('application/json');
  return jose >= 0 && (json < 0 || jose < json);
}
const mine = 'Only the signed-in person\'s own; another person\'s ids answer 404, like ones that do not exist.';

/** The Privacy Center's API: my access log and my receipts; and Parley's public signing keys. */
export function privacyRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const preHandler = requirePerson(ctx);

    app.get(
      '/v1/privacy/access-log',
      {
        preHandler,
        schema: {
          tags,
          summary: 'My access log: every read (or refused read) of my financial data',
          description: `Newest first; filter by category, purpose, outcome and time (\`from\` inclusive, \`to\` exclusive, ms). Page with \`before\` = \`nextBefore\`. ${mine}`,
          querystring: AccessLogQuery,
          response: { 200: AccessLogPage },
        },
      },
      async (request) => listAccess(ctx, principalOf(request).personId, request.query),
    );

    app.get(
      '/v1/privacy/receipts',
      { preHandler, schema: { tags, summary: 'My consent and revocation receipts, newest first', description: mine, response: { 200: ReceiptList } } },
      async (request) => ({ receipts: await listReceipts(ctx, principalOf(request).personId) }),
    );

    app.get(
      '/v1/privacy/receipts/:receiptId',
      {
        preHandler,
        schema: {
          tags,
          summary: 'Download one receipt',
          description: `JSON with the compact JWS by default; with \`Accept: application/jose\` the JWS itself, as a file. Verify it with any JOSE library against /.well-known/jwks.json. ${mine}`,
          params: ReceiptParams,
          response: { 200: Receipt },
        },
      },
      async (request, reply) => {
        const receipt = await getReceipt(ctx, { personId: principalOf(request).personId, receiptId: request.params.receiptId });
        if (wantsJose(request.headers.accept)) {
          return reply
            .type('application/jose')
            .header('content-disposition', `attachment; filename="parley-${receipt.kind}-receipt-${receipt.id}.jws"`)
            .serializer((payload: unknown) => String(payload))
            // The typed reply knows only the JSON shape; this branch sends the bare JWS, which the serializer above passes through.
            .send(receipt.jws as unknown as typeof receipt);
        }
        return receipt;
      },
    );

    app.get(
      '/.well-known/jwks.json',
      {
        schema: {
          tags,
          summary: 'Parley\'s public signing keys (JWKS)',
          description: 'Current and retired keys, so every receipt Parley ever signed still verifies. No sign-in needed; cache for 5 minutes.',
          response: { 200: Jwks },
        },
      },
      async (_request, reply) => {
        void reply.header('cache-control', 'public, max-age=300');
        return publicJwks(ctx);
      },
    );
  };
}
