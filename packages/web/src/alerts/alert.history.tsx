/** Past and open alerts, newest first: the bank, the kind, the headline, when, and what became of it. */
import type { AlertSummary } from '@parley/protocol';
import { Link } from '../router';
import { alertKindWords, formatWhen } from './alert.words';

export function AlertHistory(props: { alerts: readonly AlertSummary[] }) {
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
