/** Past and open alerts, newest first: the bank, the kind, the headline, when, and what became of it. */
import type { AlertSummary } from '@parley/protocol';
import { Link } from '../router';
import { alertKindWords, formatWhen } from './alert.words';

/** The history as a section of the Alerts page, 20 at a time, with "Show older alerts". */
export function AlertHistorySection(props: { alerts: readonly AlertSummary[] | null; loading: boolean; hasMore: boolean; loadingMore: boolean; onMore(): void }) {
  const { alerts } = props;
  return (
    <section className="card" aria-labelledby="alert-history-heading">
      <h2 id="alert-history-heading">Alert history</h2>
      {props.loading && <p className="muted">Loading…</p>}
      {alerts?.length === 0 && <p className="muted">No alerts yet. When a bank alerts you, the alert and your answer are kept here.</p>}
      {alerts && alerts.length > 0 && <AlertHistory alerts={alerts} />}
      {props.hasMore && (
        <button type="button" className="button small" disabled={props.loadingMore} onClick={props.onMore}>
          {props.loadingMore ? 'Loading…' : 'Show older alerts'}
        </button>
      )}
    </section>
  );
}

function AlertHistory(props: { alerts: readonly AlertSummary[] }) {
  return (
    <ul className="alert-history" aria-label="Alerts">
      {props.alerts.map((alert) => (
        <li key={alert.id} className="alert-history-item" data-status={alert.status}>
          <p className="alert-history-meta">
            <span>{alert.business.name}</span>
            <span aria-hidden="true">·</span>
            <span>{alertKindWords[alert.kind].title}</span>
            <span aria-hidden="true">·</span>
            <time dateTime={new Date(alert.createdAt).toISOString()}>{formatWhen(alert.createdAt)}</time>
          </p>
          <p className="alert-history-headline">{alert.headline}</p>
          <Outcome alert={alert} />
        </li>
      ))}
    </ul>
  );
}

function Outcome({ alert }: { alert: AlertSummary }) {
  if (alert.answer) {
    return (
      <p className="alert-history-outcome">
        <span className="outcome-pill answered">Answered</span>
        <span>
          “{alert.answer.label}” at {formatWhen(alert.answer.answeredAt)}
          {alert.answer.steppedUp ? ', confirmed with your passkey' : ''}
        </span>
      </p>
    );
  }
  if (alert.status === 'expired' || alert.expiresAt <= Date.now()) {
    return (
      <p className="alert-history-outcome">
        <span className="outcome-pill expired">Expired</span>
        <span>Not answered by {formatWhen(alert.expiresAt)}</span>
      </p>
    );
  }
  return (
    <p className="alert-history-outcome">
      <span className="outcome-pill pending">Waiting for you</span>
      <span>Answer by {formatWhen(alert.expiresAt)}</span>
      <Link to={`/app/c/${alert.conversationId}`}>Answer in the conversation</Link>
    </p>
  );
}
