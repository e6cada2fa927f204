/** Who is signed in, shared with every screen, and the one way to end the session in the app. */
import type { Me } from '@parley/protocol';
import { createContext, useContext } from 'react';

export interface Session {
  readonly me: Me;
  /** After a change to the account (a passkey added): fetch Me again. */
  refreshMe(): Promise<void>;
  /** Forget the person in this tab (after sign-out), optionally telling them why. */
  signedOut(notice?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is used outside a signed-in screen');
  return session;
}
