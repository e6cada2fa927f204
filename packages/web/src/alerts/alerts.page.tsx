/** The Alerts page: which alerts each bank may send (all off until turned on), and every alert with its answer. */
import type { AlertBusinessPreferences, AlertSummary } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchAlertPreferences, listAlerts } from '../api/alerts.api';
import { describeError } from '../api/http.client';
import { Link } from '../router';
import { NoticeSwitch } from '../notices/notice.switch';
import { NotificationsSection } from '../push/notifications.section';
import { PageHeader } from '../ui/page.header';
import { AlertHistorySection } from './alert.history';
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
        <p className="muted">A bank can send you alerts and notices only when you switch them on here, bank by bank. Everything starts off, and you can switch it off again at any time.</p>
        {error && (
          <div className="notice error" role="alert">
            <p>{error}</p>
            <button type="button" className="button small" onClick={load}>
              Try again
            </button>
          </div>
        )}
        <AlertSettings banks={banks} loading={banks === null && !error} />
        <NotificationsSection />
        <AlertHistorySection alerts={alerts} loading={alerts === null && !error} hasMore={hasMore} loadingMore={loadingMore} onMore={loadMore} />
      </div>
    </div>
  );
}

function AlertSettings(props: { banks: AlertBusinessPreferences[] | null; loading: boolean }) {
  return (
    <section className="card" aria-labelledby="alert-settings-heading">
      <h2 id="alert-settings-heading">What your banks may send you</h2>
      {props.loading && <p className="muted">Loading…</p>}
      {props.banks?.length === 0 && (
        <p className="muted">
          No bank can alert you yet. <Link to="/app/money">Link a bank</Link> or start a conversation with one, then choose its alerts here.
        </p>
      )}
      {props.banks?.map((bank) => (
        <div key={bank.businessId} className="alert-bank">
          <h3 className="alert-bank-heading">{bank.name}</h3>
          <AlertSwitches preferences={bank} />
          <NoticeSwitch businessId={bank.businessId} name={bank.name} framed />
        </div>
      ))}
    </section>
  );
}
