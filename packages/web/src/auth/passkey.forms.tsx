import type { Me } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http.client';
import { signInWithPasskey, signUpWithPasskey } from '../api/identity.api';
import { KeyIcon } from '../ui/icons';
import { FormError } from './form.error';

export function PasskeySignIn(props: { onSignedIn(me: Me): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signIn = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await signInWithPasskey());
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };
  return (
    <div className="auth-form">
      <FormError id="passkey-sign-in-error" message={error} />
      <button type="button" className="button primary wide" onClick={() => void signIn()} disabled={busy}>
        <KeyIcon />
        {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
      <p className="hint">Your device asks for your fingerprint, face or screen lock. Nothing secret leaves it.</p>
    </div>
  );
}

export function PasskeySignUp(props: { onSignedIn(me: Me): void }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!displayName.trim()) return setError('Enter the name your bank should see.');
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await signUpWithPasskey(email.trim() ? { displayName: displayName.trim(), email: email.trim() } : { displayName: displayName.trim() }));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };
  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate>
      <FormError id="passkey-sign-up-error" message={error} />
      <label className="field">
        <span>Your name</span>
        <input
          name="displayName"
          autoComplete="name"
          required
          maxLength={80}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          aria-describedby={error ? 'passkey-sign-up-error' : undefined}
        />
      </label>
      <label className="field">
        <span>
          Email <span className="optional">(optional)</span>
        </span>
        <input type="email" name="email" autoComplete="email" maxLength={254} value={email} onChange={(event) => setEmail(event.target.value)} />
      </label>
      <button type="submit" className="button primary wide" disabled={busy}>
        <KeyIcon />
        {busy ? 'Waiting for your passkey…' : 'Create account with a passkey'}
      </button>
      <p className="hint">A passkey replaces a password. It stays on this device, unlocked by your fingerprint, face or screen lock.</p>
    </form>
  );
}
