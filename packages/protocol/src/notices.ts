import { Type, type Static } from '@sinclair/typebox';
import { Id, Timestamp } from './schema';

/**
 * Bank notices (docs/notices.md): one text a bank sends to everyone who chose to follow its
 * notices — "Online banking is down for maintenance on Sunday 02:00–04:00". Nobody follows a
 * bank until they switch it on, and the bank never learns who does: a notice names no person,
 * Parley stores it once, and the bank's answer carries no recipient list and no count.
 *
 * A bank posts one (`POST /v1/notices`, scope `notices:send`, `Idempotency-Key`); followers with
 * a socket open get a `notice` frame at once, the rest see it when they next open the bank's
 * conversation (`GET /v1/notices`). A person sees the notices sent since they last started
 * following; unfollowing hides them.
 */

/** How many notices a business may send in any 24 hours unless the operator says otherwise (`PARLEY_NOTICES_PER_DAY`). */
export const defaultNoticesPerDay = 24;
export const maxNoticeLength = 1_000;

const strict = { additionalProperties: false } as const;
const NoticeText = Type.String({
  minLength: 1,
  maxLength: maxNoticeLength,
  examples: ['Online banking is down for planned maintenance on Sunday from 02:00 to 04:00 UTC. Cards keep working.'],
});

/**
 * POST /v1/notices: a bank's notice to every follower.
 *
 * @example
 * await fetch(`${parley}/v1/notices`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': crypto.randomUUID(), 'content-type': 'application/json' },
 *   body: JSON.stringify({ text: 'Online banking is down for maintenance on Sunday 02:00–04:00 UTC.' }),
 * });
 */
export const NoticeApiBody = Type.Object({ text: NoticeText }, strict);
export type NoticeApiBody = Static<typeof NoticeApiBody>;

/** The notice is stored and on its way. No recipients and no count: the bank does not learn who follows it. */
export const NoticeApiResult = Type.Object(
  { noticeId: Id, sentAt: Timestamp },
  { examples: [{ noticeId: '5b7f0c1e-2d3a-4e8b-9c6d-1a2b3c4d5e6f', sentAt: 1795003600000 }] },
);
export type NoticeApiResult = Static<typeof NoticeApiResult>;

/** A notice as the person sees it (and as the `notice` frame carries it). */
export const Notice = Type.Object({ id: Id, businessId: Id, text: Type.String(), sentAt: Timestamp });
export type Notice = Static<typeof Notice>;

/** GET /v1/notices?businessId=…: one bank's notices since the person started following it, newest first. */
export const NoticeListQuery = Type.Object(
  {
    businessId: Id,
    /** Only notices older than this one (its id, from the last page); omit for the newest. */
    before: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  strict,
);
export type NoticeListQuery = Static<typeof NoticeListQuery>;
export const NoticeList = Type.Object({ notices: Type.Array(Notice) });
export type NoticeList = Static<typeof NoticeList>;

/** One bank the person talks to or linked, and whether they follow its notices (off until they switch it on). */
export const NoticeFollow = Type.Object({ businessId: Id, name: Type.String(), following: Type.Boolean(), since: Type.Union([Timestamp, Type.Null()]) });
export type NoticeFollow = Static<typeof NoticeFollow>;

/** GET /v1/notice-follows: every bank the person talks to or linked, each with its switch. */
export const NoticeFollowList = Type.Object({ businesses: Type.Array(NoticeFollow) });
export type NoticeFollowList = Static<typeof NoticeFollowList>;

/** PUT /v1/notice-follows/:businessId: follow a bank's notices, or stop. Answers that bank's `NoticeFollow`. */
export const NoticeFollowUpdate = Type.Object({ following: Type.Boolean() }, { ...strict, examples: [{ following: true }] });
export type NoticeFollowUpdate = Static<typeof NoticeFollowUpdate>;
export const NoticeFollowParams = Type.Object({ businessId: Id });
