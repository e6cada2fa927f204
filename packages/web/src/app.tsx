/** The root: find out who is signed in, then show the sign-in screen or the app. */
import type { Me } from '@parley/protocol';
import { useCallback, useMemo } from 'react';
import { fetchMe } from './api/identity.api';
import { AuthScreen } from './auth/auth.screen';
import { ChatProvider } from './live/chat.context';
import { SessionContext, type Session } from './session.context';
import { endedNotice, useSessionState } from './session.state';
import { Shell } from './shell';

export function App() {
  const { session, signIn, signedOut, load } = useSessionState();

  if (session.state === 'loading') return <Splash />;
  if (session.state === 'failed') return <Splash message={session.message} onRetry={load} />;
  if (session.state === 'signedOut') return <AuthScreen notice={session.notice} onSignedIn={signIn} />;
  return <SignedIn me={session.me} onMe={signIn} signedOut={signedOut} />;
}

function SignedIn(props: { me: Me; onMe(me: Me): void; signedOut(notice?: string): void }) {
  const { me, onMe, signedOut } = props;
  const session = useMemo<Session>(
    () => ({
      me,
      signedOut,
      refreshMe: async () => {
        const fresh = await fetchMe();
        if (fresh) onMe(fresh);
        else signedOut(endedNotice);
      },
    }),
    [me, onMe, signedOut],
  );
  const checkSession = useCallback(() => void session.refreshMe().catch(() => undefined), [session]);
  return (
    <SessionContext.Provider value={session}>
      <ChatProvider key={me.id} personId={me.id} onSessionInDoubt={checkSession}>
        <Shell />
      </ChatProvider>
    </SessionContext.Provider>
  );
}

export function Splash(props: { message?: string; onRetry?: () => void }) {
  return (
    <main className="splash">
      <p className="wordmark" aria-hidden="true">
        Parley
      </p>
      {props.message ? (
        <div role="alert" className="splash-error">
          <p>{props.message}</p>
          <button type="button" className="button primary" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      ) : (
        <p role="status">Loading…</p>
      )}
    </main>
  );
}
