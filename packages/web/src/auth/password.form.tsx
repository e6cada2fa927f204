import type { Me } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http.client';
import { signInWithPassword, signUpWithPassword } from '../api/identity.api';
import { FormError } from './form.error';

/** Parley's own rule (ERR_WEAK_PASSWORD); checked here too so the person learns it before sending. */
const shortestPassword = 12;

interface PasswordFields {
  displayName: string;
  email: string;
  password: string;
}

/** The first thing to fix before sending, as a sentence, or null. */
export function passwordFormProblem(fields: PasswordFields, signUp: boolean): string | null {
  if (signUp && !fields.displayName.trim()) return 'Enter the name your bank should see.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fields.email.trim())) return 'Enter your email address, like name@example.com.';
  if (!fields.password) return 'Enter your password.';
  if (signUp && fields.password.length < shortestPassword) return `Choose a password of at least ${shortestPassword} characters.`;
  return null;
}

export function PasswordForm(props: { mode: 'sign-in' | 'sign-up'; onSignedIn(me: Me): void }) {
  const [fields, setFields] = useState<PasswordFields>({ displayName: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signUp = props.mode === 'sign-up';
  const errorId = `password-${props.mode}-error`;
  const describedBy = error ? errorId : undefined;
  const passwordDescribedBy = signUp ? `password-rule ${describedBy ?? ''}`.trim() : describedBy;
  const set = (name: keyof PasswordFields) => (event: { target: { value: string } }) => setFields({ ...fields, [name]: event.target.value });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const problem = passwordFormProblem(fields, signUp);
    setError(problem);
    if (problem) return;
    setBusy(true);
    const email = fields.email.trim();
    try {
      const me = signUp
        ? await signUpWithPassword({ displayName: fields.displayName.trim(), email, password: fields.password })
        : await signInWithPassword({ email, password: fields.password });
      props.onSignedIn(me);
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
    }
  };

  return (
    <form className="auth-form" onSubmit={(event) => void submit(event)} noValidate>
      <FormError id={errorId} message={error} />
      {signUp && (
        <label className="field">
          <span>Your name</span>
          <input name="displayName" autoComplete="name" maxLength={80} value={fields.displayName} onChange={set('displayName')} aria-describedby={describedBy} />
        </label>
      )}
      <label className="field">
        <span>Email</span>
        <input type="email" name="email" autoComplete={signUp ? 'email' : 'username'} maxLength={254} value={fields.email} onChange={set('email')} aria-describedby={describedBy} />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          name="password"
          autoComplete={signUp ? 'new-password' : 'current-password'}
          maxLength={256}
          value={fields.password}
          onChange={set('password')}
          aria-describedby={passwordDescribedBy}
        />
        {signUp && (
          <small id="password-rule" className="hint">
            At least {shortestPassword} characters. A short sentence is easy to remember.
          </small>
        )}
      </label>
      <button type="submit" className="button primary wide" disabled={busy}>
        {submitLabel(signUp, busy)}
      </button>
    </form>
  );
}

function submitLabel(signUp: boolean, busy: boolean): string {
  if (signUp) return busy ? 'Creating your account…' : 'Create account';
  return busy ? 'Signing in…' : 'Sign in';
}
