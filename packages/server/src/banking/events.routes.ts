import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { endConsentAtBank } from './consent.service';
import { verifyBankEvent } from './bank-events';

const tags = ['banking'];

/**
 * Where banks POST signed event notifications (Open Banking Event Notification API): a SET
 * (`application/jwt`) signed with the bank's event key. A consent revoked at the bank is
 * revoked here, with the same erasure as a revocation in Parley.
 */
export function bankEventRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addContentTypeParser('application/jwt', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));
    app.post(
      '/v1/banking/events',
      {
        schema: {
          tags,
          summary: 'Event notifications from banks (signed SETs)',
          description: 'Body: a compact JWS (`application/jwt`, typ `secevent+jwt`) signed by the bank. 202 once acted on.',
          consumes: ['application/jwt'],
          body: Type.String({ minLength: 1, maxLength: 16 * 1024, examples: ['eyJhbGciOiJFUzI1NiIsInR5cCI6InNlY2V2ZW50K2p3dCJ9.eyJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjQwMDAifQ.c2ln'] }),
          response: { 202: Type.Object({ accepted: Type.Boolean() }, { examples: [{ accepted: true }] }) },
        },
      },
      async (request, reply) => {
        const event = await verifyBankEvent(ctx, request.body);
        if (!event) throw new AppError('ERR_FORBIDDEN', { message: 'This event is not signed by a bank Parley knows.' });
        if (event.revokedConsentId) await endConsentAtBank(ctx, { institutionId: event.institutionId, bankConsentId: event.revokedConsentId });
        return reply.code(202).send({ accepted: true });
      },
    );
  };
}
