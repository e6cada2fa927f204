import { idempotencyHeaders, MessengerSendBody, type SendApiResult, MessengerSendHeaders, MessengerSendParams, MessengerSendQuery, MessengerSendResult } from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import { authenticateApiKey } from './api-key.service';
import { createIdempotency } from './idempotency.service';
import { toMessengerError } from './messenger.errors';
import { messengerMessageId, toSendApiBody, unsupportedFeature } from './messenger.mapping';
import { contentProblem } from './send.content';
import { sendBusinessMessage, type BusinessMessageAppender } from './send.service';

const bearer = /^Bearer +(\S+) *$/i;

const description = `Messenger Send API compatibility: a Messenger bot moves over by changing its base URL to \`<parley>/graph\` and its page token to a Parley API key (\`messages:send\`), as \`access_token\` in the query or a Bearer header.
Answers and errors are Messenger-shaped. Mapping and unsupported fields: docs/messenger.md.`;

/** The API key as Messenger clients send it (`?access_token=`), or as a Bearer header. */
async function authenticate(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  const presented = (request.query as { access_token?: string }).access_token ?? bearer.exec(request.headers.authorization ?? '')?.[1];
  if (!presented) throw new AppError('ERR_UNAUTHENTICATED', { message: 'Send an API key as access_token or "Authorization: Bearer pk_…".' });
  const principal = await authenticateApiKey(ctx, presented);
  if (!principal.scopes.includes('messages:send')) throw new AppError('ERR_SCOPE_MISSING', { message: 'This API key lacks the scope messages:send.' });
  request.business = principal;
}

/** Parley's error bodies, from the app's one error handler, reshaped as Messenger's. */
async function messengerErrors(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
  try {
    const parsed = JSON.parse(payload) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') return payload;
    return JSON.stringify(toMessengerError({ code: parsed.error.code, message: parsed.error.message }, String(request.id)));
  } catch {
    return payload;
  }
}

/** Business API, Messenger dialect: `POST /graph/:version/me/messages`, mapped onto the Send API. */
export function messengerRoutes(ctx: ServerContext, appender: BusinessMessageAppender): FastifyPluginAsyncTypebox {
  return async (app) => {
    const idempotency = createIdempotency(ctx);
    app.addHook('onSend', messengerErrors);
    app.post(
      '/graph/:version/me/messages',
      {
        preValidation: async (request) => {
          const problem = unsupportedFeature(request.body);
          if (problem) throw new AppError('ERR_VALIDATION', { message: problem });
        },
        preHandler: (request) => authenticate(ctx, request),
        schema: {
          tags: ['business-api'],
          summary: 'Send a message, Messenger Send API style',
          description,
          params: MessengerSendParams,
          headers: MessengerSendHeaders,
          querystring: MessengerSendQuery,
          body: MessengerSendBody,
          response: { 200: MessengerSendResult },
        },
      },
      async (request, reply) => {
        const businessId = request.business?.businessId;
        if (!businessId) throw new AppError('ERR_UNAUTHENTICATED');
        const body = toSendApiBody(request.body);
        const problem = contentProblem(body.content);
        if (problem) throw new AppError('ERR_VALIDATION', { message: problem.replace('body/content', 'mapped content') });
        const send = (clientId: string) => sendBusinessMessage(ctx, appender, { businessId, body, clientId });
        const key = request.headers[idempotencyHeaders.key];
        if (key === undefined) return { recipient_id: body.recipient.bsid, message_id: messengerMessageId(await send(`msgr_${ctx.random.token(16)}`)) };
        // The same key space and stored answer as POST /v1/messages, keyed on the mapped body.
        const { answer, replayed } = await idempotency.run({ businessId, key, method: 'POST', path: '/v1/messages', body }, async ({ fingerprint }) => ({
          status: 201,
          body: await send(`idem_${fingerprint}`),
        }));
        if (replayed) void reply.header(idempotencyHeaders.replayed, 'true');
        return { recipient_id: body.recipient.bsid, message_id: messengerMessageId(answer.body as SendApiResult) };
      },
    );

    // Other Graph API routes a Messenger client may call: a Messenger-shaped 404 that says what exists.
    app.all('/graph/*', { schema: { hide: true } }, async () => {
      throw new AppError('ERR_NOT_FOUND', { message: 'Parley\'s Messenger compatibility offers only POST /graph/:version/me/messages; see docs/messenger.md.' });
    });
  };
}
