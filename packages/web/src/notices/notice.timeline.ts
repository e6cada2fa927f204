/** A conversation's rows with the bank's notices placed among them at their time. */
import type { Notice } from '@parley/protocol';
import type { ThreadItem } from '../live/chat.state';

export interface NoticeItem {
  readonly kind: 'notice';
  readonly key: string;
  readonly notice: Notice;
  /** Never the person's: no delivery state. */
  readonly delivery: null;
}

export type TimelineItem = ThreadItem | NoticeItem;

export function timeOf(item: TimelineItem): number {
  if (item.kind === 'notice') return item.notice.sentAt;
  return item.kind === 'message' ? item.message.sentAt : item.pending.createdAt;
}

/**
 * Messages keep their order (by seq, then the unsent ones); each notice (oldest first) goes
 * before the first row sent after it. A notice sent at the same ms as a message follows it.
 */
export function withNoticesPlaced(items: readonly ThreadItem[], notices: readonly Notice[]): TimelineItem[] {
  if (notices.length === 0) return [...items];
  const timeline: TimelineItem[] = [];
  let next = 0;
  for (const item of items) {
    const at = timeOf(item);
    while (next < notices.length && notices[next]!.sentAt < at) timeline.push(noticeItem(notices[next++]!));
    timeline.push(item);
  }
  while (next < notices.length) timeline.push(noticeItem(notices[next++]!));
  return timeline;
}

function noticeItem(notice: Notice): NoticeItem {
  return { kind: 'notice', key: `notice-${notice.id}`, notice, delivery: null };
}
