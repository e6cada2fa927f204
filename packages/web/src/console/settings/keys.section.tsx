/** API keys: make one (its secret shown once, with a copy button), list them by prefix, revoke. */
import { apiKeyScopes, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { createApiKey, listApiKeys, revokeApiKey } from '../../api/console.api';
import { ApiError } from '../../api/http.client';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { CopyButton } from './copy.button';
import { useLoad } from './use.load';

const scopeText: Record<ApiKeyScope, string> = {
  'messages:send': 'Send messages and set the menu',
  'alerts:send': 'Send alerts',
  'notices:send': 'Send notices to followers',
  'webhooks:manage': 'Manage webhooks',
};

export function KeysSection() {
  const { business } = useConsole();
  const [keys, reload] = useLoad(() => listApiKeys(business.id), [business.id]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <div className="settings-stack">
      <NewKeyForm
        onCreated={(key) => {
          setCreated(key);
          reload();
        }}
      />
      {created && <NewKeySecret created={created} onStored={() => setCreated(null)} />}
      <section className="settings-card" aria-labelledby="keys-title">
        <h3 id="keys-title">Keys</h3>
        <p className="muted small">Several keys can be live at once: to rotate, make the new key, deploy it, then revoke the old one.</p>
        {keys.state === 'loading' && <p className="muted">Loading…</p>}
        {keys.state === 'failed' && <p className="notice error">{keys.message}</p>}
        {keys.state === 'ready' && keys.value.length === 0 && <p className="muted">No keys yet. Your bot needs one to send messages.</p>}
        {keys.state === 'ready' && keys.value.length > 0 && <KeysTable keys={keys.value} onRevoked={reload} />}
      </section>
    </div>
  );
}

/** The secret of a key just made: shown this once, with a copy button, until the owner says it is stored. */
function NewKeySecret(props: { created: CreatedApiKey; onStored(): void }) {
  const { created } = props;
  return (
    <section className="settings-card secret-card" aria-labelledby="secret-title" role="status">
      <h3 id="secret-title">Your new key “{created.key.name}”</h3>
      <p>Copy it now and keep it in your bot’s secret store. Parley keeps only its hash, so this is the only time it is shown.</p>
      <div className="secret-row">
        <code className="secret" data-testid="new-key-secret">
          {created.secret}
        </code>
        <CopyButton text={created.secret} label="Copy key" />
      </div>
      <button type="button" className="link-button" onClick={props.onStored}>
        I have stored it
      </button>
    </section>
  );
}

function KeysTable(props: { keys: readonly ApiKey[]; onRevoked(): void }) {
  const { business } = useConsole();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const action = useAction();
  const revoke = (key: ApiKey): void =>
    void action.run('revoke', () => revokeApiKey(business.id, key.id)).then((done) => {
      if (!done) return;
      setRevoking(null);
      props.onRevoked();
    });
  return (
    <>
      <ErrorNote message={action.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <KeyRow key={key.id} apiKey={key} onRevoke={() => setRevoking(key)} />
          ))}
        </tbody>
      </table>
      {revoking && (
        <ConfirmDialog labelId="revoke-key" confirmLabel="Revoke key" busyLabel="Revoking…" busy={action.busy !== null} onConfirm={() => revoke(revoking)} onCancel={() => setRevoking(null)}>
          <p id="revoke-key">
            Revoke <strong>{revoking.name}</strong> ({revoking.prefix}_…)? Every request with it is refused from now on; this cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function KeyRow(props: { apiKey: ApiKey; onRevoke(): void }) {
  const key = props.apiKey;
  return (
    <tr className={key.revokedAt ? 'revoked' : undefined}>
      <td>{key.name}</td>
      <td>
        <code>{key.prefix}_…</code>
      </td>
      <td className="small">{key.scopes.join(', ')}</td>
      <td className="muted">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
      <td>{key.revokedAt ? <span className="status-tag status-resolved">Revoked {formatDateTime(key.revokedAt)}</span> : <span className="status-tag status-open">Live</span>}</td>
      <td className="row-actions">
        {!key.revokedAt && (
          <button type="button" className="link-button danger-text" onClick={props.onRevoke} aria-label={`Revoke ${key.name}`}>
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

function NewKeyForm(props: { onCreated(key: CreatedApiKey): void }) {
  const { business } = useConsole();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['messages:send']);
  const action = useAction();
  const toggle = (scope: ApiKeyScope) => setScopes((now) => (now.includes(scope) ? now.filter((s) => s !== scope) : [...now, scope]));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run('create', async () => {
      if (scopes.length === 0) throw new ApiError(0, 'ERR_VALIDATION', 'Choose at least one scope.');
      props.onCreated(await createApiKey(business.id, { name: name.trim() || 'Console key', scopes }));
      setName('');
    });
  };
  return (
    <section className="settings-card" aria-labelledby="new-key-title">
      <h3 id="new-key-title">Make a key</h3>
      <form className="inline-form" onSubmit={submit}>
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
        <button type="submit" className="button primary" disabled={action.busy !== null}>
          {action.busy ? 'Making…' : 'Make key'}
        </button>
      </form>
      <ErrorNote message={action.error} />
    </section>
  );
}
