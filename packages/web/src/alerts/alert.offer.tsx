/**
 * Right after linking a bank: offer its alerts and its notices, all off until the person turns them on.
 * The bank is the business the linked institution is on Parley.
 */
import type { AlertBusinessPreferences } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { fetchAlertPreferences } from '../api/alerts.api';
import { listInstitutions } from '../api/banking.api';
import { NoticeSwitch } from '../notices/notice.switch';
import { Link } from '../router';
import { AlertSwitches } from './alert.switches';
import './alerts.css';

export function AlertOffer(props: { institutionId: string }) {
  const [preferences, setPreferences] = useState<AlertBusinessPreferences | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([listInstitutions(), fetchAlertPreferences()])
      .then(([institutions, all]) => {
        const businessId = institutions.institutions.find((institution) => institution.id === props.institutionId)?.businessId;
        const found = all.businesses.find((business) => business.businessId === businessId);
        if (live && found) setPreferences(found);
      })
      // The offer is a convenience: the Alerts page has the same switches.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [props.institutionId]);
  if (!preferences) return null;
  return (
    <section className="card alert-offer" aria-labelledby="alert-offer-heading">
      <h2 id="alert-offer-heading">Get alerts from {preferences.name}?</h2>
      <p className="muted">
        {preferences.name} can only alert you about what you turn on here. Everything is off until you switch it on; change it any time in <Link to="/app/alerts">Alerts</Link>.
      </p>
      <AlertSwitches preferences={preferences} />
      <NoticeSwitch businessId={preferences.businessId} name={preferences.name} framed />
    </section>
  );
}
