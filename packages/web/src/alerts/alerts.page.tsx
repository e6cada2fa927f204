/** The Alerts page: which alerts each bank may send (all off until turned on), and every alert with its answer. */
import type { AlertBusinessPreferences, AlertSummary } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchAlertPreferences, listAlerts } from '../api/alerts.api';
import { describeError } from '../api/http.client';
import { Link } from '../router';
import { NotificationsSection } from '../push/notifications.section';
import { PageHeader } from '../ui/page.header';
import { AlertHistory } from './alert.history';
import { AlertSwitches } from './alert.switches';
import './alerts.css';

const pageSize = 20;

export function AlertsPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [banks, setBanks] = useState<AlertBusinessPreferences[] | null>(null);
  const [alerts, setAlerts] = useState<AlertSummary[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => heading.current?.focus(), []);

  const load = useCallback(() => {
    setError(null);
    Promise.all([fetchAlertPreferences(), listAlerts({ limit: pageSize })])
      .then(([preferences, history]) => {
        setBanks(preferences.businesses);
        setAlerts(history.alerts);
        setHasMore(history.hasMore);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(load, [load]);

  const loadMore = (): void => {
    const last = alerts?.at(-1);
    if (!last) return;
    setLoadingMore(true);
    listAlerts({ before: last.id, limit: pageSize })
      .then((page) => {
        setAlerts((before) => [...(before ?? []), ...page.alerts]);
        setHasMore(page.hasMore);
      })
      .catch((failure: unknown) => setError(describeError(failure)))
      .finally(() => setLoadingMore(false));
  };

  return (
    <div className="account-page alerts-page">
      <PageHeader title="Alerts" headingRef={heading} />
      <div className="account-sections">
        <p className="muted">A bank can alert you only about what you switch on here, bank by bank. Everything starts off, and you can switch it off again at any time.</p>
        {error && (
          <div className="notice error" role="alert">
            <p>{error}</p>
            <button type="button" className="button small" onClick={load}>
              Try again
            </button>
          </div>
        )}
        <section className="card" aria-labelledby="alert-settings-heading">
          <h2 id="alert-settings-heading">What your banks may alert you about</h2>
          {banks === null && !error && <p className="muted">Loading…</p>}
          {banks?.length === 0 && (
            <p className="muted">
              No bank can alert you yet. <Link to="/app/money">Link a bank</Link> or start a conversation with one, then choose its alerts here.
            </p>
          )}
          {banks?.map((bank) => (
            <div key={bank.businessId} className="alert-bank">
              <h3 className="alert-bank-heading">{bank.name}</h3>
              <AlertSwitches preferences={bank} />
            </div>
          ))}
        </section>
        <NotificationsSection />
        <section className="card" aria-labelledby="alert-history-heading">
          <h2 id="alert-history-heading">Alert history</h2>
          {alerts === null && !error && <p className="muted">Loading…</p>}
          {alerts?.length === 0 && <p className="muted">No alerts yet. When a bank alerts you, the alert and your answer are kept here.</p>}
          {alerts && alerts.length > 0 && <AlertHistory alerts={alerts} />}
          {hasMore && (
            <button type="button" className="button small" disabled={loadingMore} onClick={loadMore}>
              {loadingMore ? 'Loading…' : 'Show older alerts'}
            </button>
          )}
        </section>
      </div>
    </div>
  );
}
