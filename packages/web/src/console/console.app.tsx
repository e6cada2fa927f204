/**
 * The agent console's root at /console: the same session as the person's app (passkey or
 * password), then the businesses the person is a member of, then the console of one.
 */
import type { Me } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { describeError, onSignedOut, setCsrfToken } from '../api/http.client';
import { fetchMe } from '../api/identity.api';
import { Splash } from '../app';
import { AuthScreen } from '../auth/auth.screen';
import { ConsoleSignedIn } from './console.signed-in';
import './console.css';

type SessionState =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'signedOut'; readonly notice: string | null }
  | { readonly state: 'signedIn'; readonly me: Me };

const endedNotice = 'Your session has ended. Sign in again to continue.';
const tagline = 'The console for your bank’s people: answer the conversations your bot hands over, and run your business on Parley.';

export function ConsoleApp() {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const signIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setSession({ state: 'signedIn', me });
  }, []);
  const signedOut = useCallback((notice?: string) => {
    setCsrfToken(null);
    setSession({ state: 'signedOut', notice: notice ?? null });
  }, []);
  const load = useCallback(() => {
    fetchMe()
      .then((me) => (me ? signIn(me) : signedOut()))
      .catch((error: unknown) => setSession({ state: 'failed', message: describeError(error) }));
  }, [signIn, signedOut]);

  useEffect(() => {
    document.title = 'Parley Console';
  }, []);
  useEffect(load, [load]);
  useEffect(() => onSignedOut(() => signedOut(endedNotice)), [signedOut]);

  if (session.state === 'loading') return <Splash />;
  if (session.state === 'failed') return <Splash message={session.message} onRetry={load} />;
  if (session.state === 'signedOut') return <AuthScreen notice={session.notice} onSignedIn={signIn} tagline={tagline} />;
  return <ConsoleSignedIn me={session.me} signedOut={signedOut} />;
}
