import type { Notice, NoticeApiBody, NoticeApiResult, NoticeFollow, NoticeFollowList, NoticeList, ServerFrame } from '@parley/protocol';
import { defaultNoticesPerDay } from '@parley/protocol';
import { listRelatedBusinesses } from '../alerts';
import type { ServerContext } from '../context';
import { AppError } from '../platform/errors';
import * as notices from './notice.repository';
import type { NoticesTable } from './notice.table';

/** The bus topic every node listens on for notices to hand to its own sockets. */
export const noticeTopic = 'notices';
const dayMs = 24 * 60 * 60 * 1000;

/** What the notices domain needs of messaging: the sockets of this node. */
export interface NoticeDelivery {
  deliverToPeople(personIds: Iterable<string>, frame: ServerFrame): number;
  hasSockets(): boolean;
}

interface NoticeEvent {
  readonly notice: Notice;
}

const toNotice = (row: NoticesTable): Notice => ({ id: row.id, businessId: row.business_id, text: row.text, sentAt: Number(row.created_at) });

/**
 * Store a bank's notice once and announce it on the bus; each node then hands it to the sockets
 * of the followers it holds. Resolves once stored, so an accepted notice survives a crash (the
 * followers not reached live read it from GET /v1/notices). `sourceKey` names the request: a
 * retry of it finds the same notice.
 */
export async function sendNotice(ctx: ServerContext, input: { businessId: string; body: NoticeApiBody; sourceKey: string }): Promise<NoticeApiResult> {
  const text = input.body.text.trim();
  if (text === '') throw new AppError('ERR_VALIDATION', { message: 'A notice needs some text besides spaces.' });
  const existing = await notices.findBySource(ctx.db, { businessId: input.businessId, sourceKey: input.sourceKey });
  if (existing) return { noticeId: existing.id, sentAt: Number(existing.created_at) };
  const now = ctx.clock.now();
  const row: NoticesTable = { id: ctx.random.uuid(), business_id: input.businessId, text, source_key: input.sourceKey, created_at: now };
  const limit = ctx.config.noticesPerDay ?? defaultNoticesPerDay;
  const outcome = await notices.insertWithinLimit(ctx.db, { row, windowStart: now - dayMs, limit, lockBusiness: ctx.dialect === 'postgres' });
  if (!outcome.stored) {
    const retryAfter = Math.max(1, Math.ceil((outcome.oldest + dayMs - now) / 1000));
    throw new AppError('ERR_NOTICE_LIMIT', {
      message: `Your business may send ${limit} notices in 24 hours; the next may go in ${retryAfter} s.`,
      headers: { 'retry-after': String(retryAfter) },
    });
  }
  ctx.bus.publish(noticeTopic, { notice: toNotice(row) } satisfies NoticeEvent);
  return { noticeId: row.id, sentAt: now };
}

/**
 * Hand each notice announced on the bus to the followers with a socket on this node: one
 * read of the follower list (none on a node with no socket open), one frame serialized once.
 * Returns the unsubscribe.
 */
export function startNoticeFanout(ctx: ServerContext, delivery: NoticeDelivery): () => void {
  return ctx.bus.subscribe(noticeTopic, (payload) => {
    const { notice } = payload as NoticeEvent;
    if (!delivery.hasSockets()) return;
    notices
      .followerIds(ctx.db, notice.businessId)
      .then((followers) => {
        const reached = delivery.deliverToPeople(followers, { type: 'notice', notice });
        ctx.log.debug({ noticeId: notice.id, reached }, 'notice handed to the sockets of this node');
      })
      .catch((error: unknown) => ctx.log.error({ err: error, noticeId: notice.id }, 'notice fan-out failed; followers read it on their next load'));
  });
}

/**
 * One bank's notices since the person started following it, newest first; none when they do not
 * follow it. `before` (a notice id of that bank, else 404) pages by time, then id.
 */
export async function listNoticesFor(ctx: ServerContext, input: { personId: string; businessId: string; before?: string | undefined; limit: number }): Promise<NoticeList> {
  const since = await notices.followingSince(ctx.db, input);
  if (since === undefined) return { notices: [] };
  const before = input.before === undefined ? undefined : await notices.findNotice(ctx.db, { businessId: input.businessId, noticeId: input.before });
  if (input.before !== undefined && !before) throw new AppError('ERR_NOT_FOUND', { message: 'The notice named by `before` is not one of this bank’s.' });
  const rows = await notices.listNotices(ctx.db, { businessId: input.businessId, since, before, limit: input.limit });
  return { notices: rows.map(toNotice) };
}

/** Every bank the person talks to or linked, with whether they follow its notices. */
export async function listFollows(ctx: ServerContext, personId: string): Promise<NoticeFollowList> {
  const [businesses, follows] = await Promise.all([listRelatedBusinesses(ctx.db, personId), notices.followsOf(ctx.db, personId)]);
  return {
    businesses: businesses.map((business) => {
      const since = follows.get(business.id);
      return { businessId: business.id, name: business.name, following: since !== undefined, since: since ?? null };
    }),
  };
}

/** Follow a bank's notices or stop. Only a bank the person talks to or linked (another is 404, as if it did not exist). */
export async function updateFollow(ctx: ServerContext, input: { personId: string; businessId: string; following: boolean }): Promise<NoticeFollow> {
  const related = await listRelatedBusinesses(ctx.db, input.personId);
  const business = related.find((candidate) => candidate.id === input.businessId);
  if (!business) throw new AppError('ERR_NOT_FOUND', { message: 'You do not talk to this business and have not linked it.' });
  await notices.setFollowing(ctx.db, { personId: input.personId, businessId: input.businessId, following: input.following, now: ctx.clock.now() });
  const since = await notices.followingSince(ctx.db, input);
  return { businessId: business.id, name: business.name, following: since !== undefined, since: since ?? null };
}
