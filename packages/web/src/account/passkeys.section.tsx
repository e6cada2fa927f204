import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http.client';
import { addPasskey, removePasskey } from '../api/identity.api';
import { useSession } from '../session.context';
import { formatDateTime } from '../ui/format';
import { KeyIcon } from '../ui/icons';

export function PasskeysSection() {
  const { me, refreshMe } = useSession();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const supported = browserSupportsWebAuthn();

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await addPasskey(name.trim() || undefined);
      await refreshMe();
      setName('');
      setResult({ ok: true, text: 'Passkey added. You can now sign in with it.' });
    } catch (failure) {
      setResult({ ok: false, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (passkeyId: string, passkeyName: string): Promise<void> => {
    setResult(null);
    try {
      await removePasskey(passkeyId);
      await refreshMe();
      setResult({ ok: true, text: `Passkey “${passkeyName}” removed.` });
    } catch (failure) {
      setResult({ ok: false, text: describeError(failure) });
    }
  };

  return (
    <section className="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p className="muted">Passkeys let you sign in with your fingerprint, face or screen lock. They cannot be phished or leaked.</p>
      {me.passkeys.length === 0 ? (
        <p>You have no passkeys yet.</p>
      ) : (
        <ul className="item-list">
          {me.passkeys.map((passkey) => (
            <li key={passkey.id} className="item">
              <KeyIcon />
              <span className="item-body">
                <span className="item-title">{passkey.name}</span>
                <span className="muted small">
                  Added {formatDateTime(passkey.createdAt)}
                  {passkey.lastUsedAt ? ` · last used ${formatDateTime(passkey.lastUsedAt)}` : ' · not used yet'}
                </span>
              </span>
              <button type="button" className="button small" onClick={() => void remove(passkey.id, passkey.name)}>
                Remove<span className="sr-only"> {passkey.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div role="status" className={result?.ok ? 'notice success' : undefined}>
        {result?.ok && result.text}
      </div>
      {result && !result.ok && (
        <p className="form-error" role="alert">
          {result.text}
        </p>
      )}
      {supported ? (
        <form className="inline-form" onSubmit={(event) => void add(event)}>
          <label className="field">
            <span>
              Name for the new passkey <span className="optional">(optional)</span>
            </span>
            <input value={name} maxLength={80} placeholder="e.g. Work laptop" onChange={(event) => setName(event.target.value)} />
          </label>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Waiting for your passkey…' : 'Add a passkey'}
          </button>
        </form>
      ) : (
        <p className="notice info">This browser cannot create passkeys.</p>
      )}
    </section>
  );
}
