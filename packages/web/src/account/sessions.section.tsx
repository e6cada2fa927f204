import type { SessionView } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/http.client';
import { endSession, listSessions, signOutEverywhere } from '../api/identity.api';
import { useChatStore } from '../live/chat.context';
import { navigate } from '../router';
import { useSession } from '../session.context';
import { formatDateTime } from '../ui/format';
import { deviceName } from './device.name';

/** Where the person is signed in, with a way to end any of those sessions, or all of them. */
export function SessionsSection() {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    listSessions()
      .then((list) => setSessions(list.sessions))
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(load, [load]);

  const end = async (session: SessionView): Promise<void> => {
    setError(null);
    try {
      await endSession(session.id);
      load();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you’re signed in</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions === null && !error && <p className="muted">Loading…</p>}
      {sessions && (
        <ul className="item-list">
          {sessions.map((session) => (
            <SessionRow key={session.id} session={session} onEnd={() => void end(session)} />
          ))}
        </ul>
      )}
      <SignOutEverywhere onError={setError} />
    </section>
  );
}

function SessionRow(props: { session: SessionView; onEnd(): void }) {
  const { session } = props;
  const device = deviceName(session.userAgent);
  return (
    <li className="item session">
      <span className="item-body">
        <span className="item-title">
          {device}
          {session.current && <span className="tag">This device</span>}
        </span>
        <span className="muted small">
          Signed in {formatDateTime(session.createdAt)} · last active {formatDateTime(session.lastSeenAt)}
        </span>
      </span>
      {!session.current && (
        <button type="button" className="button small" onClick={props.onEnd}>
          Sign out<span className="sr-only"> {device}</span>
        </button>
      )}
    </li>
  );
}

/** Two steps, because it also ends the session in use. */
function SignOutEverywhere(props: { onError(message: string): void }) {
  const { signedOut } = useSession();
  const store = useChatStore();
  const [confirming, setConfirming] = useState(false);

  const endAll = async (): Promise<void> => {
    try {
      await signOutEverywhere();
      store.stop(true);
      navigate('/app', { replace: true });
      signedOut('You have signed out on every device.');
    } catch (failure) {
      props.onError(describeError(failure));
      setConfirming(false);
    }
  };

  if (!confirming) {
    return (
      <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
        Sign out everywhere
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-labelledby="confirm-everywhere">
      <p id="confirm-everywhere">This signs you out on every device, including this one. Continue?</p>
      <button type="button" className="button danger" onClick={() => void endAll()}>
        Yes, sign out everywhere
      </button>
      <button type="button" className="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  );
}
