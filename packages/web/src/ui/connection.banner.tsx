import { useChatState } from '../live/chat.context';

/** Always in the page so screen readers hear the change; visible only while the socket is down. */
export function ConnectionBanner() {
  const { status, pending } = useChatState();
  const down = status === 'reconnecting';
  const waiting = pending.filter((item) => item.state === 'sending').length;
  return (
    <div className="connection-banner" role="status" data-visible={down}>
      {down && (
        <p>
          <span className="spinner" aria-hidden="true" />
          <strong>Reconnecting…</strong>{' '}
          {waiting > 0
            ? `${waiting === 1 ? 'Your message' : `${waiting} messages`} will be sent when the connection is back.`
            : 'New messages will appear when the connection is back.'}
        </p>
      )}
    </div>
  );
}
