/** Online or away: while online, round-robin may assign handed-over conversations to me. */
import { useInboxState, useInboxStore } from './inbox.context';

export function PresenceSwitch() {
  const store = useInboxStore();
  const { available, status } = useInboxState();
  const online = available && status === 'online';
  return (
    <button
      type="button"
      role="switch"
      aria-checked={available}
      className="presence"
      onClick={() => store.setAvailable(!available)}
      title={available ? 'New conversations may be assigned to you. Click to go away.' : 'No new conversations are assigned to you. Click to come back.'}
    >
      <span className="presence-dot" aria-hidden="true" />
      {available ? (online ? 'Online' : 'Online (connecting…)') : 'Away'}
    </button>
  );
}
