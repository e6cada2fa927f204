import {
  NoticeApiBody,
  NoticeApiResult,
  NoticeFollow,
  NoticeFollowList,
  NoticeFollowParams,
  NoticeFollowUpdate,
  NoticeList,
  NoticeListQuery,
  SendApiHeaders,
} from '@parley/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createIdempotency, idempotentCreate, requireApiKey, type IdempotentCreate } from '../business';
import type { ServerContext } from '../context';
import { principalOf, requirePerson } from '../identity';
import { listFollows, listNoticesFor, sendNotice, updateFollow } from './notice.service';

const apiDescription = `Needs an API key with \`notices:send\` and an \`Idempotency-Key\` header. Sends one text to everyone who follows your bank's notices — they switched it on; nobody follows until they do.
You name no recipient and learn none: the answer carries no list and no count. Followers with Parley open see it at once; the others when they next open your conversation.
At most \`PARLEY_NOTICES_PER_DAY\` (24 by default) in any 24 hours: then 429 ERR_NOTICE_LIMIT with Retry-After.
The same key with the same body answers the first answer again with \`Idempotent-Replayed: true\`; with another body, 422 ERR_IDEMPOTENCY_MISMATCH. See docs/notices.md.`;

/** The bank's Notices API (API key) and the person's side: their notices, and which banks they follow. */
export function noticeRoutes(ctx: ServerContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const idempotency = createIdempotency(ctx);
    app.post(
      '/v1/notices',
      {
        preHandler: requireApiKey(ctx, 'notices:send'),
        schema: {
          tags: ['business-api'],
          summary: 'Send a notice to everyone who follows your bank',
          description: apiDescription,
          headers: SendApiHeaders,
          body: NoticeApiBody,
          response: { 201: NoticeApiResult },
        },
      },
      idempotentCreate(idempotency, '/v1/notices', ({ businessId, body, fingerprint }: IdempotentCreate<NoticeApiBody>) =>
        sendNotice(ctx, { businessId, body, sourceKey: fingerprint }),
      ),
    );

    const preHandler = requirePerson(ctx);
    const tags = ['notices'];
    app.get(
      '/v1/notices',
      {
        preHandler,
        schema: { tags, summary: "One bank's notices since I started following it, newest first", querystring: NoticeListQuery, response: { 200: NoticeList } },
      },
      async (request) => {
        const { businessId, before, limit } = request.query;
        return listNoticesFor(ctx, { personId: principalOf(request).personId, businessId, before, limit: limit ?? 20 });
      },
    );
    app.get(
      '/v1/notice-follows',
      { preHandler, schema: { tags, summary: 'Which of my banks I follow the notices of (none until I switch one on)', response: { 200: NoticeFollowList } } },
      async (request) => listFollows(ctx, principalOf(request).personId),
    );
    app.put(
      '/v1/notice-follows/:businessId',
      {
        preHandler,
        schema: { tags, summary: "Follow a bank's notices, or stop", params: NoticeFollowParams, body: NoticeFollowUpdate, response: { 200: NoticeFollow } },
      },
      async (request) => updateFollow(ctx, { personId: principalOf(request).personId, businessId: request.params.businessId, following: request.body.following }),
    );
  };
}
