import type { Me } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http.client';
import { signInWithPassword, signUpWithPassword } from '../api/identity.api';
import { FormError } from './form.error';

/** Parley's own rule (ERR_WEAK_PASSWORD); checked here too so the person learns it before sending. */
const shortestPassword = 12;

export function PasswordForm(props: { mode: 'sign-in' | 'sign-up'; onSignedIn(me: Me): void }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signUp = props.mode === 'sign-up';
  const errorId = `password-${props.mode}-error`;

  const problem = (): string | null => {
    if (signUp && !displayName.trim()) return 'Enter the name your bank should see.';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) return 'Enter your email address, like name@example.com.';
    if (!password) return 'Enter your password.';
    if (signUp && password.length < shortestPassword) return `Choose a password of at least ${shortestPassword} characters.`;
    return null;
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const found = problem();
    setError(found);
    if (found) return;
    setBusy(true);
    try {
      const me = signUp
        ? await signUpWithPassword({ displayName: displayName.trim(), email: email.trim(), password })
        : await signInWithPassword({ email: email.trim(), password });
      props.onSignedIn(me);
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  const describedBy = error ? errorId : undefined;
  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate>
      <FormError id={errorId} message={error} />
      {signUp && (
        <label className="field">
          <span>Your name</span>
          <input name="displayName" autoComplete="name" maxLength={80} value={displayName} onChange={(event) => setDisplayName(event.target.value)} aria-describedby={describedBy} />
        </label>
      )}
      <label className="field">
        <span>Email</span>
        <input type="email" name="email" autoComplete={signUp ? 'email' : 'username'} maxLength={254} value={email} onChange={(event) => setEmail(event.target.value)} aria-describedby={describedBy} />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          name="password"
          autoComplete={signUp ? 'new-password' : 'current-password'}
          maxLength={256}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-describedby={signUp ? `password-rule ${describedBy ?? ''}`.trim() : describedBy}
        />
        {signUp && (
          <small id="password-rule" className="hint">
            At least {shortestPassword} characters. A short sentence is easy to remember.
          </small>
        )}
      </label>
      <button type="submit" className="button primary wide" disabled={busy}>
        {busy ? (signUp ? 'Creating your account…' : 'Signing in…') : signUp ? 'Create account' : 'Sign in'}
      </button>
    </form>
  );
}
