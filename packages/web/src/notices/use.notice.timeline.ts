/** A conversation's rows with its bank's notices placed among them, loading the notices as the history loads. */
import { useEffect, useMemo } from 'react';
import type { ChatState, ThreadItem } from '../live/chat.state';
import type { ChatStore } from '../live/chat.store';
import { needsOlderNotices, visibleNotices } from './notice.state';
import { withNoticesPlaced, type TimelineItem } from './notice.timeline';

export function useNoticeTimeline(options: { store: ChatStore; state: ChatState; conversationId: string; businessId: string | undefined; items: ThreadItem[] }): TimelineItem[] {
  const { store, state, conversationId, businessId, items } = options;
  const thread = state.threads[conversationId];
  const feed = businessId ? state.notices.feeds[businessId] : undefined;
  // While older messages remain on the server, notices older than the loaded ones wait for them.
  const windowStart = thread?.hasMore ? (thread.messages[0]?.sentAt ?? null) : null;
  const historyLoaded = thread !== undefined && thread.loading === null;

  useEffect(() => {
    if (businessId) store.notices.open(businessId);
  }, [store, businessId]);
  useEffect(() => {
    if (businessId && historyLoaded && needsOlderNotices(feed, windowStart)) void store.notices.loadOlder(businessId);
  }, [store, businessId, historyLoaded, feed, windowStart]);

  return useMemo(() => withNoticesPlaced(items, visibleNotices(feed, windowStart)), [items, feed, windowStart]);
}
