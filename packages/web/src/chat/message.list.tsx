import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import type { Thread, ThreadItem } from '../live/chat.state';
import { formatDay, isSameDay } from '../ui/format';
import { MessageBubble } from './message.bubble';

/** How close to the bottom (px) still counts as "reading the newest messages". */
const bottomSlackPx = 96;

export interface MessageListProps {
  thread: Thread;
  items: ThreadItem[];
  businessName: string;
  onLoadOlder(): void;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}

/**
 * The scrolling history. Keeps the reader's place: sticks to the bottom while they are there,
 * jumps down when they send, and holds still when older messages are added above.
 */
export function MessageList(props: MessageListProps) {
  const { thread, items } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const topSentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{ first?: string; last?: string; height: number } | null>(null);
  const { onLoadOlder } = props;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = previous.current;
    const first = items[0]?.key;
    const last = items.at(-1)?.key;
    if (!before?.last) element.scrollTop = element.scrollHeight;
    else if (first !== before.first && last === before.last) element.scrollTop += element.scrollHeight - before.height;
    else if (last !== before.last && (atBottom.current || items.at(-1)?.kind === 'pending')) element.scrollTop = element.scrollHeight;
    previous.current = { first, last, height: element.scrollHeight };
  }, [items]);

  const firstKey = items[0]?.key;
  useEffect(() => {
    const sentinel = topSentinel.current;
    if (!sentinel || !thread.hasMore || !firstKey) return;
    // Re-created after each page so a page too short to fill the screen loads the next one too.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onLoadOlder();
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [thread.hasMore, firstKey, onLoadOlder]);

  const lastOwn = [...items].reverse().find((item) => item.delivery !== null)?.key;
  return (
    <div
      className="messages"
      ref={scroller}
      tabIndex={0}
      aria-label="Messages"
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < bottomSlackPx;
      }}
    >
      <div ref={topSentinel} className="top-sentinel" />
      {thread.hasMore && (
        <div className="load-older">
          <button type="button" className="button small" onClick={onLoadOlder} disabled={thread.loading === 'older'}>
            {thread.loading === 'older' ? 'Loading earlier messages…' : 'Load earlier messages'}
          </button>
        </div>
      )}
      {!thread.hasMore && thread.loading === null && !thread.error && (
        <p className="conversation-start">This is the start of your conversation with {props.businessName}.</p>
      )}
      {thread.loading === 'latest' && items.length === 0 && (
        <p className="muted center" role="status">
          Loading messages…
        </p>
      )}
      <ol className="message-items">
        {items.map((item, index) => {
          const at = sentAtOf(item);
          const previousAt = index > 0 ? sentAtOf(items[index - 1]) : null;
          const newDay = previousAt === null || !isSameDay(previousAt, at);
          return (
            <Fragment key={item.key}>
              {newDay && (
                <li className="day-separator">
                  <span>{formatDay(at)}</span>
                </li>
              )}
              <MessageBubble
                item={item}
                businessName={props.businessName}
                showDeliveryText={item.key === lastOwn}
                onRetry={props.onRetry}
                onDiscard={props.onDiscard}
              />
            </Fragment>
          );
        })}
      </ol>
    </div>
  );
}

function sentAtOf(item: ThreadItem | undefined): number {
  if (!item) return Date.now();
  return item.kind === 'message' ? item.message.sentAt : item.pending.createdAt;
}
