import { AlertApiBody, AlertApiResult, SendApiHeaders } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createIdempotency, idempotentCreate, requireApiKey, type IdempotentCreate } from '../business';
import type { ServerContext } from '../context';
import { sendAlert, type AlertMessaging } from './alert.service';

const description = `Needs an API key with \`alerts:send\` and an \`Idempotency-Key\` header. Alerts the person the BSID names, as an interactive card in your conversation with them.
Accepted only when the person switched this kind of alert on for your bank (all kinds are off until they do): otherwise 403 ERR_ALERTS_NOT_ENABLED.
A BSID of another business is 404, like one that does not exist. \`expiresAt\` (ms since the epoch) must be in the future and within 7 days; action ids must differ.
The same key with the same body answers the first answer again with \`Idempotent-Replayed: true\`; with another body, 422 ERR_IDEMPOTENCY_MISMATCH.
The answer comes as the \`alert.answered\` webhook. See docs/alerts.md.`;

/** Business API (API key): the Alert API. */
export function alertApiRoutes(ctx: ServerContext, messaging: AlertMessaging): FastifyPluginAsyncTypebox {
  return async (app) => {
    const idempotency = createIdempotency(ctx);
    app.post(
      '/v1/alerts',
      {
        preHandler: requireApiKey(ctx, 'alerts:send'),
        schema: {
          tags: ['business-api'],
          summary: 'Alert a person (fraud review, low balance, large withdrawal, new sign-in, consent ending)',
          description,
          headers: SendApiHeaders,
          body: AlertApiBody,
          response: { 201: AlertApiResult },
        },
      },
      idempotentCreate(idempotency, '/v1/alerts', ({ businessId, body, fingerprint, reservedAt }: IdempotentCreate<AlertApiBody>) =>
        sendAlert(ctx, messaging, { businessId, body, sourceKey: fingerprint, reservedAt }),
      ),
    );
  };
}
