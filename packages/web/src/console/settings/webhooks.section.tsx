/** Webhook endpoints (add with the secret shown once, test, delete) and the delivery log with replay. */
import { webhookEventTypes, type CreatedWebhookEndpoint, type WebhookEndpoint } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/http.client';
import { createEndpoint, deleteEndpoint, listEndpoints, sendTestEvent } from '../../api/inbox.api';
import { ConfirmDialog } from '../../ui/confirm.dialog';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { CopyButton } from './copy.button';
import { DeliveriesCard } from './deliveries.card';
import { useLoad } from './use.load';

type EventType = (typeof webhookEventTypes)[number];

export function WebhooksSection() {
  const { business } = useConsole();
  const [endpoints, reload] = useLoad(() => listEndpoints(business.id), [business.id]);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);
  // Remounting the log after an endpoint change loads it again (a test event, a deleted endpoint).
  const [deliveriesKey, setDeliveriesKey] = useState(0);
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
        {endpoints.state === 'loading' && <p className="muted">Loading…</p>}
        {endpoints.state === 'failed' && <p className="notice error">{endpoints.message}</p>}
        {endpoints.state === 'ready' && endpoints.value.length === 0 && <p className="muted">No endpoints. Your bot hears nothing until you add one.</p>}
        {endpoints.state === 'ready' && endpoints.value.length > 0 && (
          <EndpointsTable
            endpoints={endpoints.value}
            onChanged={() => {
              reload();
              setDeliveriesKey((key) => key + 1);
            }}
          />
        )}
      </section>
      <DeliveriesCard key={deliveriesKey} endpoints={endpoints.state === 'ready' ? endpoints.value : []} />
    </div>
  );
}

function EndpointsTable(props: { endpoints: readonly WebhookEndpoint[]; onChanged(): void }) {
  const { business } = useConsole();
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const run = (name: string, step: () => Promise<unknown>, sentence: string): void =>
    void action.run(name, step).then((ok) => {
      setDone(ok ? sentence : null);
      if (!ok) return;
      setDeleting(null);
      props.onChanged();
    });
  return (
    <>
      {done && (
        <p className="notice success" role="status">
          {done}
        </p>
      )}
      <ErrorNote message={action.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((endpoint) => (
            <EndpointRow
              key={endpoint.id}
              endpoint={endpoint}
              busy={action.busy !== null}
              onTest={() => run('test', () => sendTestEvent(business.id, endpoint.id), 'A webhook.test event is on its way; see it in the deliveries.')}
              onDelete={() => setDeleting(endpoint)}
            />
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          labelId="delete-endpoint"
          confirmLabel="Delete endpoint"
          busyLabel="Deleting…"
          busy={action.busy !== null}
          onCancel={() => setDeleting(null)}
          onConfirm={() => run('delete', () => deleteEndpoint(business.id, deleting.id), 'Endpoint deleted; its pending deliveries end as dead.')}
        >
          <p id="delete-endpoint">
            Delete <code>{deleting.url}</code>? Its pending deliveries end as dead.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}

function EndpointRow(props: { endpoint: WebhookEndpoint; busy: boolean; onTest(): void; onDelete(): void }) {
  const { endpoint } = props;
  return (
    <tr>
      <td>
        <code>{endpoint.url}</code>
      </td>
      <td className="small">{endpoint.eventTypes.join(', ')}</td>
      <td className="muted">{formatDateTime(endpoint.createdAt)}</td>
      <td className="row-actions">
        <button type="button" className="link-button" disabled={props.busy} onClick={props.onTest}>
          Send test
        </button>
        <button type="button" className="link-button danger-text" disabled={props.busy} onClick={props.onDelete}>
          Delete
        </button>
      </td>
    </tr>
  );
}

function NewEndpointForm(props: { onCreated(endpoint: CreatedWebhookEndpoint): void }) {
  const { business } = useConsole();
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<EventType[]>(['message.created', 'postback', 'handover.passed', 'handover.returned']);
  const action = useAction();
  const toggle = (type: EventType) => setTypes((now) => (now.includes(type) ? now.filter((t) => t !== type) : [...now, type]));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void action.run('create', async () => {
      if (types.length === 0) throw new ApiError(0, 'ERR_VALIDATION', 'Choose at least one event.');
      props.onCreated(await createEndpoint(business.id, { url: url.trim(), eventTypes: types }));
      setUrl('');
    });
  };
  return (
    <section className="settings-card" aria-labelledby="new-endpoint-title">
      <h3 id="new-endpoint-title">Add an endpoint</h3>
      <form className="stacked-form wide-form" onSubmit={submit}>
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
        <ErrorNote message={action.error} />
        <div>
          <button type="submit" className="button primary" disabled={action.busy !== null}>
            {action.busy ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
    </section>
  );
}
