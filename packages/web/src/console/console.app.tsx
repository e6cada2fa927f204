/**
 * The agent console's root at /console: the same session as the person's app (passkey or
 * password), then the businesses the person is a member of, then the console of one.
 */
import { useEffect } from 'react';
import { Splash } from '../app';
import { AuthScreen } from '../auth/auth.screen';
import { useSessionState } from '../session.state';
import { ConsoleSignedIn } from './console.signed-in';
import './console.css';

const tagline = 'The console for your bank’s people: answer the conversations your bot hands over, and run your business on Parley.';

export function ConsoleApp() {
  const { session, signIn, signedOut, load } = useSessionState();
  useEffect(() => {
    document.title = 'Parley Console';
  }, []);

  if (session.state === 'loading') return <Splash />;
  if (session.state === 'failed') return <Splash message={session.message} onRetry={load} />;
  if (session.state === 'signedOut') return <AuthScreen notice={session.notice} onSignedIn={signIn} tagline={tagline} />;
  return <ConsoleSignedIn me={session.me} signedOut={signedOut} />;
}
