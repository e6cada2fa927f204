/** Sign up or sign in: with a passkey first, with email and password as the fallback. */
import type { Me } from '@parley/protocol';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useState } from 'react';
import { ShieldIcon } from '../ui/icons';
import { PasswordForm } from './password.form';
import { PasskeySignIn, PasskeySignUp } from './passkey.forms';

type Mode = 'sign-in' | 'sign-up';

/** `tagline`: the agent console says what it is for instead of the person's app's line. */
export function AuthScreen(props: { notice: string | null; onSignedIn(me: Me): void; tagline?: string }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [passkeys] = useState(() => browserSupportsWebAuthn());
  const [usePassword, setUsePassword] = useState(!passkeys);
  const switchTo = (next: Mode) => {
    setMode(next);
    setUsePassword(!passkeys);
  };
  const title = mode === 'sign-in' ? 'Sign in to Parley' : 'Create your Parley account';
  return (
    <div className="auth-page">
      <main className="auth-card" aria-labelledby="auth-title">
        <p className="auth-brand">
          <ShieldIcon />
          Parley
        </p>
        <h1 id="auth-title">{title}</h1>
        <p className="muted">{props.tagline ?? 'Talk to your bank in one calm place. Your bank only sees what you choose to share.'}</p>
        {props.notice && (
          <p className="notice info" role="status">
            {props.notice}
          </p>
        )}
        {!passkeys && <p className="notice info">This browser cannot use passkeys, so use your email and a password.</p>}

        {!usePassword && mode === 'sign-in' && <PasskeySignIn onSignedIn={props.onSignedIn} />}
        {!usePassword && mode === 'sign-up' && <PasskeySignUp onSignedIn={props.onSignedIn} />}
        {usePassword && <PasswordForm key={mode} mode={mode} onSignedIn={props.onSignedIn} />}

        {passkeys && (
          <button type="button" className="link-button switch-method" onClick={() => setUsePassword(!usePassword)}>
            {usePassword ? 'Use a passkey instead' : mode === 'sign-in' ? 'Sign in with email and password' : 'Sign up with email and password instead'}
          </button>
        )}
        <p className="auth-switch">
          {mode === 'sign-in' ? 'New to Parley?' : 'Already have an account?'}{' '}
          <button type="button" className="link-button" onClick={() => switchTo(mode === 'sign-in' ? 'sign-up' : 'sign-in')}>
            {mode === 'sign-in' ? 'Create an account' : 'Sign in'}
          </button>
        </p>
      </main>
    </div>
  );
}
