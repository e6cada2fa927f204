import { useChatState } from '../live/chat.context';

/**
 * Reads new messages from the bank aloud to screen-reader users, wherever they are in the app.
 * The region stays mounted; its child is replaced per message so each one is announced.
 */
export function Announcer() {
  const { announcement } = useChatState();
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true">
      {announcement && <p key={announcement.id}>{announcement.text}</p>}
    </div>
  );
}
