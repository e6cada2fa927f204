import type { Me } from '@parley/protocol';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/http.client';
import { addPasskey, removePasskey } from '../api/identity.api';
import { useSession } from '../session.context';
import { formatDateTime } from '../ui/format';
import { KeyIcon } from '../ui/icons';

type Outcome = { readonly ok: boolean; readonly text: string } | null;

export function PasskeysSection() {
  const { me, refreshMe } = useSession();
  const [outcome, setOutcome] = useState<Outcome>(null);

  const remove = async (passkeyId: string, passkeyName: string): Promise<void> => {
    setOutcome(null);
    try {
      await removePasskey(passkeyId);
      await refreshMe();
      setOutcome({ ok: true, text: `Passkey “${passkeyName}” removed.` });
    } catch (failure) {
      setOutcome({ ok: false, text: describeError(failure) });
    }
  };

  return (
    <section className="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p className="muted">Passkeys let you sign in with your fingerprint, face or screen lock. They cannot be phished or leaked.</p>
      <PasskeyList passkeys={me.passkeys} onRemove={(id, name) => void remove(id, name)} />
      <div role="status" className={outcome?.ok ? 'notice success' : undefined}>
        {outcome?.ok && outcome.text}
      </div>
      {outcome && !outcome.ok && (
        <p className="form-error" role="alert">
          {outcome.text}
        </p>
      )}
      <AddPasskeyForm onOutcome={setOutcome} />
    </section>
  );
}

function PasskeyList(props: { passkeys: Me['passkeys']; onRemove(id: string, name: string): void }) {
  if (props.passkeys.length === 0) return <p>You have no passkeys yet.</p>;
  return (
    <ul className="item-list">
      {props.passkeys.map((passkey) => (
        <li key={passkey.id} className="item">
          <KeyIcon />
          <span className="item-body">
            <span className="item-title">{passkey.name}</span>
            <span className="muted small">
              Added {formatDateTime(passkey.createdAt)}
              {passkey.lastUsedAt ? ` · last used ${formatDateTime(passkey.lastUsedAt)}` : ' · not used yet'}
            </span>
          </span>
          <button type="button" className="button small" onClick={() => props.onRemove(passkey.id, passkey.name)}>
            Remove<span className="sr-only"> {passkey.name}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function AddPasskeyForm(props: { onOutcome(outcome: Outcome): void }) {
  const { refreshMe } = useSession();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [supported] = useState(() => browserSupportsWebAuthn());
  if (!supported) return <p className="notice info">This browser cannot create passkeys.</p>;

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    props.onOutcome(null);
    try {
      await addPasskey(name.trim() || undefined);
      await refreshMe();
      setName('');
      props.onOutcome({ ok: true, text: 'Passkey added. You can now sign in with it.' });
    } catch (failure) {
      props.onOutcome({ ok: false, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };
  return (
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
  );
}
