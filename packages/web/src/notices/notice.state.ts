/**
 * The bank notices the person follows, as the app holds them: per bank, the loaded window of its
 * notices (from GET /v1/notices and live `notice` frames), and which banks the person follows.
 * Pure and immutable like chat.state.ts; chat.store.ts does the I/O.
 */
import type { Notice, NoticeFollow } from '@parley/protocol';

/** How many notices one page asks for. */
export const noticePageSize = 20;

/** The loaded window of one bank's notices, oldest first. */
export interface NoticeFeed {
  readonly notices: readonly Notice[];
  /** Older notices exist on the server (the last page asked for was full). */
  readonly hasMore: boolean;
  readonly loading: 'latest' | 'older' | null;
}

export interface NoticesState {
  /** businessId → its notices; a bank is here once its conversation was opened. */
  readonly feeds: Readonly<Record<string, NoticeFeed>>;
  /** businessId → whether the person follows its notices; null until the first load. */
  readonly follows: Readonly<Record<string, NoticeFollow>> | null;
}

export const emptyFeed: NoticeFeed = { notices: [], hasMore: false, loading: null };
export const initialNoticesState: NoticesState = { feeds: {}, follows: null };

/** Union by id, oldest first (ties by id, as the server orders them). */
export function mergeNotices(held: readonly Notice[], incoming: readonly Notice[]): readonly Notice[] {
  if (incoming.length === 0) return held;
  const byId = new Map<string, Notice>();
  for (const notice of [...held, ...incoming]) byId.set(notice.id, notice);
  return [...byId.values()].sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function updateFeed(state: NoticesState, businessId: string, change: (feed: NoticeFeed) => NoticeFeed): NoticesState {
  const feed = state.feeds[businessId] ?? emptyFeed;
  return { ...state, feeds: { ...state.feeds, [businessId]: change(feed) } };
}

export function withFeedLoading(state: NoticesState, businessId: string, loading: NoticeFeed['loading']): NoticesState {
  return updateFeed(state, businessId, (feed) => ({ ...feed, loading }));
}

/**
 * A page from GET /v1/notices (newest first, as the server answers). An older page extends the
 * window. The newest page merges with what is held, unless it is full and shares nothing with
 * it (the socket was down for more than a page): then it replaces the window, so no gap is shown.
 */
export function withNoticePage(
  state: NoticesState,
  businessId: string,
  page: { notices: readonly Notice[]; older: boolean; limit: number },
): NoticesState {
  const full = page.notices.length >= page.limit;
  return updateFeed(state, businessId, (feed) => {
    if (page.older) return { notices: mergeNotices(feed.notices, page.notices), hasMore: full, loading: null };
    const heldIds = new Set(feed.notices.map((notice) => notice.id));
    const touches = page.notices.some((notice) => heldIds.has(notice.id));
    if (feed.notices.length === 0 || (full && !touches)) return { notices: mergeNotices([], page.notices), hasMore: full, loading: null };
    return { notices: mergeNotices(feed.notices, page.notices), hasMore: feed.hasMore, loading: null };
  });
}

/** A live notice: kept only for a bank whose notices are loaded (the others load theirs when opened). */
export function withLiveNotice(state: NoticesState, notice: Notice): NoticesState {
  if (!state.feeds[notice.businessId]) return state;
  return updateFeed(state, notice.businessId, (feed) => ({ ...feed, notices: mergeNotices(feed.notices, [notice]) }));
}

/** The follow list from GET /v1/notice-follows. A bank no longer followed (switched off elsewhere) shows no notices. */
export function withFollows(state: NoticesState, follows: readonly NoticeFollow[]): NoticesState {
  const feeds = { ...state.feeds };
  for (const follow of follows) if (!follow.following && feeds[follow.businessId]) feeds[follow.businessId] = emptyFeed;
  return { feeds, follows: Object.fromEntries(follows.map((follow) => [follow.businessId, follow])) };
}

/** One bank's switch changed. Stopping hides its notices, as the server does from now on. */
export function withFollow(state: NoticesState, follow: NoticeFollow): NoticesState {
  const next = { ...state, follows: { ...state.follows, [follow.businessId]: follow } };
  if (follow.following || !state.feeds[follow.businessId]) return next;
  return { ...next, feeds: { ...next.feeds, [follow.businessId]: emptyFeed } };
}

export function isFollowing(state: NoticesState, businessId: string): boolean {
  return state.follows?.[businessId]?.following ?? false;
}

/**
 * The notices to show beside a conversation window that starts at `oldestShownAt` (the oldest
 * loaded message; null when the whole history is loaded). Older notices would sit above
 * messages not loaded yet, out of place, so they wait until those messages load.
 */
export function visibleNotices(feed: NoticeFeed | undefined, oldestShownAt: number | null): readonly Notice[] {
  if (!feed) return [];
  if (oldestShownAt === null) return feed.notices;
  return feed.notices.filter((notice) => notice.sentAt >= oldestShownAt);
}

/** The window of messages reaches further back than the loaded notices, and older notices exist: load a page. */
export function needsOlderNotices(feed: NoticeFeed | undefined, oldestShownAt: number | null): boolean {
  if (!feed || !feed.hasMore || feed.loading !== null) return false;
  const oldest = feed.notices[0]?.sentAt;
  return oldest === undefined || oldestShownAt === null || oldest > oldestShownAt;
}
