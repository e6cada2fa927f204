/**
 * The I/O of bank notices for the chat store: load a bank's notices when its conversation opens,
 * older pages as older messages load, the follow switches, and a catch-up after a reconnect.
 * The state itself lives in the chat store (ChatState.notices), so every view sees one truth.
 */
import type { NoticeFollow } from '@parley/protocol';
import { listNoticeFollows, listNotices, updateNoticeFollow } from '../api/notices.api';
import * as notices from './notice.state';

export interface NoticeStateAccess {
  get(): notices.NoticesState;
  set(next: notices.NoticesState): void;
}

export class NoticeFeeds {
  private followsLoad: Promise<void> | null = null;

  constructor(private readonly access: NoticeStateAccess) {}

  /** A bank's conversation is on screen: load its newest notices the first time. */
  open(businessId: string): void {
    if (!this.access.get().feeds[businessId]) void this.loadLatest(businessId);
  }

  async loadLatest(businessId: string): Promise<void> {
    this.access.set(notices.withFeedLoading(this.access.get(), businessId, 'latest'));
    try {
      const page = await listNotices(businessId, { limit: notices.noticePageSize });
      this.access.set(notices.withNoticePage(this.access.get(), businessId, { notices: page.notices, older: false, limit: notices.noticePageSize }));
    } catch {
      // Notices are an extra beside the conversation: without them the chat still works, and
      // the next open or reconnect asks again.
      this.access.set(notices.withFeedLoading(this.access.get(), businessId, null));
    }
  }

  async loadOlder(businessId: string): Promise<void> {
    const feed = this.access.get().feeds[businessId];
    const oldest = feed?.notices[0]?.id;
    if (!feed || feed.loading !== null || !feed.hasMore || oldest === undefined) return;
    this.access.set(notices.withFeedLoading(this.access.get(), businessId, 'older'));
    try {
      const page = await listNotices(businessId, { before: oldest, limit: notices.noticePageSize });
      this.access.set(notices.withNoticePage(this.access.get(), businessId, { notices: page.notices, older: true, limit: notices.noticePageSize }));
    } catch {
      this.access.set(notices.withFeedLoading(this.access.get(), businessId, null));
    }
  }

  /** Which banks the person follows; concurrent callers share one request. */
  refreshFollows(): Promise<void> {
    this.followsLoad ??= listNoticeFollows()
      .then((follows) => this.access.set(notices.withFollows(this.access.get(), follows)))
      .catch(() => undefined)
      .finally(() => (this.followsLoad = null));
    return this.followsLoad;
  }

  /** Flip one bank's switch. Throws the server's refusal for the switch to show; the state changes only once saved. */
  async setFollowing(businessId: string, following: boolean): Promise<NoticeFollow> {
    const saved = await updateNoticeFollow(businessId, following);
    this.access.set(notices.withFollow(this.access.get(), saved));
    return saved;
  }

  /** After each (re)connect: notices sent while no socket listened, and switches flipped on another device. */
  async catchUp(): Promise<void> {
    await this.refreshFollows();
    const state = this.access.get();
    for (const businessId of Object.keys(state.feeds)) {
      if (notices.isFollowing(state, businessId)) void this.loadLatest(businessId);
    }
  }
}
