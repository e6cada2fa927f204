import { Fragment, useRef } from 'react';
import type { Thread } from '../live/chat.state';
import { NoticeCard } from '../notices/notice.card';
import { timeOf, type TimelineItem } from '../notices/notice.timeline';
import { formatDay, isSameDay } from '../ui/format';
import { MessageBubble } from './message.bubble';
import { useLoadOlderAtTop, useScrollKeeper } from './scroll.hooks';

export interface MessageListProps {
  thread: Thread;
  /** Messages, unsent messages and the bank's notices, in order. */
  items: TimelineItem[];
  businessName: string;
  onLoadOlder(): void;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

/** The scrolling history, oldest first, with day separators; older pages load at the top. */
export function MessageList(props: MessageListProps) {
  const { thread, items } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const onScroll = useScrollKeeper(scroller, items);
  useLoadOlderAtTop({ scroller, sentinel, enabled: thread.hasMore, firstKey: items[0]?.key, loadOlder: props.onLoadOlder });
  const lastOwn = [...items].reverse().find((item) => item.delivery !== null)?.key;
  return (
    <div className="messages" ref={scroller} tabIndex={0} role="region" aria-label="Messages" onScroll={onScroll}>
      <div ref={sentinel} className="top-sentinel" />
      <HistoryEdge thread={thread} businessName={props.businessName} empty={items.length === 0} onLoadOlder={props.onLoadOlder} />
      <ol className="message-items">
        {items.map((item, index) => (
          <Fragment key={item.key}>
            {startsDay(items, index) && (
              <li className="day-separator">
                <span>{formatDay(timeOf(item))}</span>
              </li>
            )}
            {item.kind === 'notice' ? (
              <NoticeCard notice={item.notice} businessName={props.businessName} />
            ) : (
              <MessageBubble
                item={item}
                businessName={props.businessName}
                showDeliveryText={item.key === lastOwn}
                onRetry={props.onRetry}
                onDiscard={props.onDiscard}
              />
            )}
          </Fragment>
        ))}
      </ol>
    </div>
  );
}

/** The top of the loaded history: a way to load more, or the start of the conversation. */
function HistoryEdge(props: { thread: Thread; businessName: string; empty: boolean; onLoadOlder(): void }) {
  const { thread } = props;
  if (thread.hasMore) {
    return (
      <div className="load-older">
        <button type="button" className="button small" onClick={props.onLoadOlder} disabled={thread.loading === 'older'}>
          {thread.loading === 'older' ? 'Loading earlier messages…' : 'Load earlier messages'}
        </button>
      </div>
    );
  }
  if (thread.loading === 'latest' && props.empty) {
    return (
      <p className="muted center" role="status">
        Loading messages…
      </p>
    );
  }
  if (thread.loading === null && !thread.error) {
    return <p className="conversation-start">This is the start of your conversation with {props.businessName}.</p>;
  }
  return null;
}

function startsDay(items: readonly TimelineItem[], index: number): boolean {
  const item = items[index];
  const before = items[index - 1];
  return !before || !item || !isSameDay(timeOf(before), timeOf(item));
}
