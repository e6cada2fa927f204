import { useEffect, useLayoutEffect, useRef, type RefObject, type UIEvent } from 'react';

/** How close to the bottom (px) still counts as "reading the newest messages". */
const bottomSlackPx = 96;

/**
 * Keeps the reader's place in a scrolling history: sticks to the bottom while they are there,
 * jumps down when they send, and holds still when older messages are added above.
 */
export function useScrollKeeper(scroller: RefObject<HTMLDivElement | null>, items: readonly { readonly key: string; readonly kind: string }[]) {
  const atBottom = useRef(true);
  const previous = useRef<{ first?: string; last?: string; height: number } | null>(null);

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
  }, [scroller, items]);

  return (event: UIEvent<HTMLDivElement>): void => {
    const element = event.currentTarget;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < bottomSlackPx;
  };
}

/** Calls `loadOlder` when the top of the history scrolls into view (or is in view after a short page). */
export function useLoadOlderAtTop(options: {
  scroller: RefObject<HTMLDivElement | null>;
  sentinel: RefObject<HTMLDivElement | null>;
  enabled: boolean;
  firstKey: string | undefined;
  loadOlder(): void;
}): void {
  const { scroller, sentinel, enabled, firstKey, loadOlder } = options;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !enabled || !firstKey) return;
    // Re-created after each page so a page too short to fill the screen loads the next one too.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadOlder();
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [scroller, sentinel, enabled, firstKey, loadOlder]);
}
