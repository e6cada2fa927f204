/** Who is signed in, for both roots (the person's app at /app and the agent console at /console). */
import type { Me } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { describeError, onSignedOut, setCsrfToken } from './api/http.client';
import { fetchMe } from './api/identity.api';

export type SessionState =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'signedOut'; readonly notice: string | null }
  | { readonly state: 'signedIn'; readonly me: Me };

export const endedNotice = 'Your session has ended. Sign in again to continue.';

/**
 * Load the session on mount (GET /v1/me), keep the CSRF token in step with it, and go to
 * signed-out with a notice when any request learns the session has ended.
 */
export function useSessionState() {
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

  useEffect(load, [load]);
  useEffect(() => onSignedOut(() => signedOut(endedNotice)), [signedOut]);
  return { session, signIn, signedOut, load };
}
