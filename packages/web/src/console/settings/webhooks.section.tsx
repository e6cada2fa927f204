/** Webhook endpoints (add with the secret shown once, test, delete) and the delivery log with replay. */
import { webhookEventTypes, type CreatedWebhookEndpoint, type WebhookEndpoint } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { describeError } from '../../api/http.client';
import { createEndpoint, deleteEndpoint, listEndpoints, sendTestEvent } from '../../api/inbox.api';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { CopyButton } from './copy.button';
import { DeliveriesCard } from './deliveries.card';
import { useLoad } from './use.load';

type EventType = (typeof webhookEventTypes)[number];

export function WebhooksSection() {
  const { business } = useConsole();
  const [endpoints, reload] = useLoad(() => listEndpoints(business.id), [business.id]);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [deliveriesKey, setDeliveriesKey] = useState(0);
  const run = async (action: () => Promise<string>): Promise<void> => {
    setBusy(true);
    setNotice(null);
    try {
      setNotice({ ok: true, text: await action() });
      reload();
      setDeliveriesKey((key) => key + 1);
    } catch (failure) {
      setNotice({ ok: false, text: describeError(failure) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="settings-stack">
      <NewEndpointForm
        onCreated={(endpoint) => {
          setCreated(endpoint);
          reload();
        }}
      />
      {created && (
        <section className="settings-card secret-card" role="status" aria-labelledby="whsec-title">
          <h3 id="whsec-title">Signing secret for {created.url}</h3>
          <p>Verify every webhook with it (Standard Webhooks; @parley/sdk’s verifyWebhook does it). It is shown only now.</p>
          <div className="secret-row">
            <code className="secret">{created.secret}</code>
            <CopyButton text={created.secret} label="Copy secret" />
          </div>
          <button type="button" className="link-button" onClick={() => setCreated(null)}>
            I have stored it
          </button>
        </section>
      )}
      <section className="settings-card" aria-labelledby="endpoints-title">
        <h3 id="endpoints-title">Endpoints</h3>
        {notice && (
          <p className={`notice ${notice.ok ? 'success' : 'error'}`} role={notice.ok ? 'status' : 'alert'}>
            {notice.text}
          </p>
        )}
        {endpoints.state === 'loading' && <p className="muted">Loading…</p>}
        {endpoints.state === 'failed' && <p className="notice error">{endpoints.message}</p>}
        {endpoints.state === 'ready' && endpoints.value.length === 0 && <p className="muted">No endpoints. Your bot hears nothing until you add one.</p>}
        {endpoints.state === 'ready' && endpoints.value.length > 0 && (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Added</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {endpoints.value.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td>
                    <code>{endpoint.url}</code>
                  </td>
                  <td className="small">{endpoint.eventTypes.join(', ')}</td>
                  <td className="muted">{formatDateTime(endpoint.createdAt)}</td>
                  <td className="row-actions">
                    <button type="button" className="link-button" disabled={busy} onClick={() => void run(async () => (await sendTestEvent(business.id, endpoint.id), 'A webhook.test event is on its way; see it below.'))}>
                      Send test
                    </button>
                    <button type="button" className="link-button danger-text" disabled={busy} onClick={() => setDeleting(endpoint)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {deleting && (
          <ConfirmDialog
            labelId="delete-endpoint"
            confirmLabel="Delete endpoint"
            busyLabel="Deleting…"
            busy={busy}
            onCancel={() => setDeleting(null)}
            onConfirm={() => void run(async () => (await deleteEndpoint(business.id, deleting.id), setDeleting(null), 'Endpoint deleted; its pending deliveries end as dead.'))}
          >
            <p id="delete-endpoint">
              Delete <code>{deleting.url}</code>? Its pending deliveries end as dead.
            </p>
          </ConfirmDialog>
        )}
      </section>
      <DeliveriesCard key={deliveriesKey} endpoints={endpoints.state === 'ready' ? endpoints.value : []} />
    </div>
  );
}

function NewEndpointForm(props: { onCreated(endpoint: CreatedWebhookEndpoint): void }) {
  const { business } = useConsole();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<EventType[]>(['message.created', 'postback', 'handover.passed', 'handover.returned']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (type: EventType) => setTypes((now) => (now.includes(type) ? now.filter((t) => t !== type) : [...now, type]));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (types.length === 0) return setError('Choose at least one event.');
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await createEndpoint(business.id, { url: url.trim(), eventTypes: types }));
      setUrl('');
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="settings-card" aria-labelledby="new-endpoint-title">
      <h3 id="new-endpoint-title">Add an endpoint</h3>
      <form className="stacked-form wide-form" onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span>URL (https, reachable from the internet)</span>
          <input type="url" required value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://bot.your-bank.example/parley/webhooks" />
        </label>
        <fieldset className="scopes event-types">
          <legend>Events</legend>
          {webhookEventTypes.map((type) => (
            <label key={type} className="check">
              <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} />
              <code>{type}</code>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
    </section>
  );
}
