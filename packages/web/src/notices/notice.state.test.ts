import type { Notice, NoticeFollow } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import * as notices from './notice.state';

const bank = 'b6c8f1a2-0000-4000-8000-000000000001';
const other = 'b6c8f1a2-0000-4000-8000-000000000002';

function notice(n: number, businessId = bank): Notice {
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, businessId, text: `notice ${n}`, sentAt: 1_000 * n };
}

/** A page as the server answers it: newest first. */
function page(numbers: number[]) {
  return numbers.map((n) => notice(n)).reverse();
}

function follow(businessId: string, following: boolean): NoticeFollow {
  return { businessId, name: 'Sandbox Bank', following, since: following ? 500 : null };
}

const texts = (state: notices.NoticesState, businessId = bank) => state.feeds[businessId]?.notices.map((held) => held.text);

describe('a bank’s notices as the app holds them', () => {
  it('holds a page oldest first, and knows older ones exist when the page is full', () => {
    const state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1, 2, 3]), older: false, limit: 3 });
    expect(texts(state)).toEqual(['notice 1', 'notice 2', 'notice 3']);
    expect(state.feeds[bank]?.hasMore).toBe(true);
    expect(notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1, 2]), older: false, limit: 3 }).feeds[bank]?.hasMore).toBe(false);
  });

  it('extends the window with an older page and merges a newest page that overlaps', () => {
    let state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([4, 5]), older: false, limit: 2 });
    state = notices.withNoticePage(state, bank, { notices: page([2, 3]), older: true, limit: 2 });
    state = notices.withNoticePage(state, bank, { notices: page([5, 6]), older: false, limit: 2 });
    expect(texts(state)).toEqual(['notice 2', 'notice 3', 'notice 4', 'notice 5', 'notice 6']);
    expect(state.feeds[bank]?.hasMore).toBe(true);
  });

  it('replaces the window when a full newest page shares nothing with it, so no gap is shown', () => {
    let state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1]), older: false, limit: 2 });
    state = notices.withNoticePage(state, bank, { notices: page([8, 9]), older: false, limit: 2 });
    expect(texts(state)).toEqual(['notice 8', 'notice 9']);
    expect(state.feeds[bank]?.hasMore).toBe(true);
  });

  it('adds a live notice once, in time order, only for a bank whose notices are loaded', () => {
    let state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1, 3]), older: false, limit: 20 });
    state = notices.withLiveNotice(state, notice(2));
    state = notices.withLiveNotice(state, notice(2));
    expect(texts(state)).toEqual(['notice 1', 'notice 2', 'notice 3']);
    expect(notices.withLiveNotice(state, notice(4, other))).toBe(state);
  });

  it('keeps a live notice that arrives while the first page is loading', () => {
    let state = notices.withFeedLoading(notices.initialNoticesState, bank, 'latest');
    state = notices.withLiveNotice(state, notice(5));
    state = notices.withNoticePage(state, bank, { notices: page([3, 4]), older: false, limit: 20 });
    expect(texts(state)).toEqual(['notice 3', 'notice 4', 'notice 5']);
  });

  it('is off for every bank until the person switches it on; switching off hides that bank’s notices', () => {
    let state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1]), older: false, limit: 20 });
    expect(notices.isFollowing(state, bank)).toBe(false);
    state = notices.withFollows(state, [follow(bank, true), follow(other, false)]);
    expect([notices.isFollowing(state, bank), notices.isFollowing(state, other)]).toEqual([true, false]);
    expect(texts(state)).toEqual(['notice 1']);
    state = notices.withFollow(state, follow(bank, false));
    expect(notices.isFollowing(state, bank)).toBe(false);
    expect(texts(state)).toEqual([]);
  });

  it('hides the notices of a bank switched off on another device when the list says so', () => {
    let state = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([1]), older: false, limit: 20 });
    state = notices.withFollows(state, [follow(bank, false)]);
    expect(texts(state)).toEqual([]);
  });

  it('shows only notices within the loaded messages while older messages remain, and asks for older notices when the messages reach further', () => {
    const feed = notices.withNoticePage(notices.initialNoticesState, bank, { notices: page([5, 6]), older: false, limit: 2 }).feeds[bank];
    expect(notices.visibleNotices(feed, 5_500).map((held) => held.text)).toEqual(['notice 6']);
    expect(notices.visibleNotices(feed, null).map((held) => held.text)).toEqual(['notice 5', 'notice 6']);
    expect(notices.needsOlderNotices(feed, 5_500)).toBe(false);
    expect(notices.needsOlderNotices(feed, 4_000)).toBe(true);
    expect(notices.needsOlderNotices(feed, null)).toBe(true);
    expect(notices.needsOlderNotices({ ...feed!, loading: 'older' }, null)).toBe(false);
    expect(notices.needsOlderNotices({ ...feed!, hasMore: false }, null)).toBe(false);
  });
});
