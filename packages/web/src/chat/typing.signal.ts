import { useCallback, useEffect, useMemo, useRef } from 'react';

/** Say "typing" again at most this often, and "stopped" after this long without a key. */
const repeatMs = 3_000;
const idleMs = 4_000;

/**
 * Tells the other side when the person types, without a frame per key: `start` at most every
 * few seconds while keys come, `stop` when they pause, send, leave the field or the chat.
 */
export function useTypingSignal(onTyping: (state: 'start' | 'stop') => void) {
  const said = useRef({ at: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined });

  const stopped = useCallback((): void => {
    clearTimeout(said.current.idle);
    if (said.current.at) onTyping('stop');
    said.current.at = 0;
  }, [onTyping]);

  const changed = useCallback(
    (hasText: boolean): void => {
      if (!hasText) return stopped();
      const now = Date.now();
      if (now - said.current.at > repeatMs) {
        onTyping('start');
        said.current.at = now;
      }
      clearTimeout(said.current.idle);
      said.current.idle = setTimeout(stopped, idleMs);
    },
    [onTyping, stopped],
  );

  useEffect(() => stopped, [stopped]);
  return useMemo(() => ({ changed, stopped }), [changed, stopped]);
}
