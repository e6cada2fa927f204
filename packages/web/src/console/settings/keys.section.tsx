/** API keys: make one (its secret shown once, with a copy button), list them by prefix, revoke. */
import { apiKeyScopes, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/console.api';
import { describeError } from '../../api/http.client';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { CopyButton } from './copy.button';
import { useLoad } from './use.load';

const scopeText: Record<ApiKeyScope, string> = {
  'messages:send': 'Send messages and set the menu',
  'alerts:send': 'Send alerts',
  'webhooks:manage': 'Manage webhooks',
};

export function KeysSection() {
  const { business } = useConsole();
  const [keys, reload] = useLoad(() => listApiKeys(business.id), [business.id]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoke = async (key: ApiKey): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await revokeApiKey(business.id, key.id);
      setRevoking(null);
      reload();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="settings-stack">
      <NewKeyForm
        onCreated={(key) => {
          setCreated(key);
          reload();
        }}
      />
      {created && (
        <section className="settings-card secret-card" aria-labelledby="secret-title" role="status">
          <h3 id="secret-title">Your new key “{created.key.name}”</h3>
          <p>Copy it now and keep it in your bot’s secret store. Parley keeps only its hash, so this is the only time it is shown.</p>
          <div className="secret-row">
            <code className="secret" data-testid="new-key-secret">
              {created.secret}
            </code>
            <CopyButton text={created.secret} label="Copy key" />
          </div>
          <button type="button" className="link-button" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </section>
      )}
      <section className="settings-card" aria-labelledby="keys-title">
        <h3 id="keys-title">Keys</h3>
        <p className="muted small">
          Several keys can be live at once: to rotate, make the new key, deploy it, then revoke the old one.
        </p>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        {keys.state === 'loading' && <p className="muted">Loading…</p>}
        {keys.state === 'failed' && <p className="notice error">{keys.message}</p>}
        {keys.state === 'ready' && keys.value.length === 0 && <p className="muted">No keys yet. Your bot needs one to send messages.</p>}
        {keys.state === 'ready' && keys.value.length > 0 && (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.value.map((key) => (
                <tr key={key.id} className={key.revokedAt ? 'revoked' : undefined}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}_…</code>
                  </td>
                  <td className="small">{key.scopes.join(', ')}</td>
                  <td className="muted">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                  <td>{key.revokedAt ? <span className="status-tag status-resolved">Revoked {formatDateTime(key.revokedAt)}</span> : <span className="status-tag status-open">Live</span>}</td>
                  <td className="row-actions">
                    {!key.revokedAt && (
                      <button type="button" className="link-button danger-text" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {revoking && (
          <ConfirmDialog labelId="revoke-key" confirmLabel="Revoke key" busyLabel="Revoking…" busy={busy} onConfirm={() => void revoke(revoking)} onCancel={() => setRevoking(null)}>
            <p id="revoke-key">
              Revoke <strong>{revoking.name}</strong> ({revoking.prefix}_…)? Every request with it is refused from now on; this cannot be undone.
            </p>
          </ConfirmDialog>
        )}
      </section>
    </div>
  );
}

function NewKeyForm(props: { onCreated(key: CreatedApiKey): void }) {
  const { business } = useConsole();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['messages:send']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (scope: ApiKeyScope) => setScopes((now) => (now.includes(scope) ? now.filter((s) => s !== scope) : [...now, scope]));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (scopes.length === 0) return setError('Choose at least one scope.');
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await createApiKey(business.id, { name: name.trim() || 'Console key', scopes }));
      setName('');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="settings-card" aria-labelledby="new-key-title">
      <h3 id="new-key-title">Make a key</h3>
      <form className="inline-form" onSubmit={(event) => void submit(event)}>
        <label className="field grow">
          <span>Name</span>
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder="Production bot" maxLength={80} />
        </label>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {apiKeyScopes.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
              <span>
                <code>{scope}</code> <span className="muted small">{scopeText[scope]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Making…' : 'Make key'}
        </button>
      </form>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
