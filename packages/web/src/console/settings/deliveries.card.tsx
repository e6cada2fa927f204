/** The delivery log: every event to every endpoint, what the last attempt got, and replay (dead ones too). */
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '@parley/protocol';
import { useState } from 'react';
import { listDeliveries, replayDelivery } from '../../api/inbox.api';
import { formatDateTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { useLoad } from './use.load';

const statusClass: Record<WebhookDeliveryStatus, string> = { delivered: 'status-open', pending: 'status-pending', dead: 'reveal-status-failed' };

export function DeliveriesCard(props: { endpoints: readonly WebhookEndpoint[] }) {
  const { business } = useConsole();
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const [deliveries, reload] = useLoad(() => listDeliveries(business.id, status ? { status } : {}), [business.id, status]);
  const action = useAction();
  const urlOf = (endpointId: string) => props.endpoints.find((e) => e.id === endpointId)?.url ?? 'deleted endpoint';
  const replay = (deliveryId: string): void => void action.run(deliveryId, () => replayDelivery(business.id, deliveryId)).then((done) => done && reload());
  return (
    <section className="settings-card" aria-labelledby="deliveries-title">
      <div className="card-head">
        <h3 id="deliveries-title">Deliveries</h3>
        <label className="field inline-field">
          <span className="sr-only">Status</span>
          <select value={status} onChange={(event) => setStatus(event.target.value as WebhookDeliveryStatus | '')}>
            <option value="">Every status</option>
            <option value="delivered">Delivered</option>
            <option value="pending">Pending (retrying)</option>
            <option value="dead">Dead</option>
          </select>
        </label>
        <button type="button" className="button small" onClick={reload}>
          Refresh
        </button>
      </div>
      <ErrorNote message={action.error} />
      {deliveries.state === 'failed' && <p className="notice error">{deliveries.message}</p>}
      {deliveries.state === 'ready' && deliveries.value.deliveries.length === 0 && <p className="muted">No deliveries yet.</p>}
      {deliveries.state === 'ready' && deliveries.value.deliveries.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Created</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {deliveries.value.deliveries.map((delivery) => (
              <DeliveryRow key={delivery.id} delivery={delivery} url={urlOf(delivery.endpointId)} busy={action.busy} onReplay={() => replay(delivery.id)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeliveryRow(props: { delivery: WebhookDelivery; url: string; busy: string | null; onReplay(): void }) {
  const { delivery } = props;
  return (
    <tr>
      <td>
        <code>{delivery.eventType}</code>
      </td>
      <td className="small cell-clip" title={props.url}>
        {props.url}
      </td>
      <td>
        <span className={`status-tag ${statusClass[delivery.status]}`}>{delivery.status}</span>
      </td>
      <td className="num">{delivery.attempts}</td>
      <td className="small cell-clip" title={delivery.lastResponseExcerpt ?? delivery.lastError ?? undefined}>
        {delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : (delivery.lastError ?? '—')}
      </td>
      <td className="muted small">{formatDateTime(delivery.createdAt)}</td>
      <td className="row-actions">
        <button type="button" className="link-button" disabled={props.busy !== null} onClick={props.onReplay}>
          {props.busy === delivery.id ? 'Replaying…' : 'Replay'}
        </button>
      </td>
    </tr>
  );
}
