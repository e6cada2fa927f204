/** What happened at the bank, from `?linked=` or `?link_error=` on the way back; said once. */
import type { Consent } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { AlertOffer } from '../alerts/alert.offer';
import { listConsents } from '../api/banking.api';
import { linkErrorMessage } from './link.form';

type Outcome = { readonly ok: true; readonly institutionId: string } | { readonly ok: false; readonly message: string } | null;

function readOutcome(): Outcome {
  const params = new URLSearchParams(window.location.search);
  if (params.has('linked')) return { ok: true, institutionId: params.get('linked') ?? '' };
  const error = params.get('link_error');
  return error ? { ok: false, message: linkErrorMessage(error) } : null;
}

export function LinkOutcomeNotice() {
  const [outcome, setOutcome] = useState<Outcome>(readOutcome);
  // The alerts offer outlives the notice's Dismiss: it is a question, not news.
  const [linkedInstitution] = useState(() => (outcome?.ok ? outcome.institutionId : null));
  useEffect(() => {
    // Said once: a reload or a shared address does not repeat it.
    if (outcome) window.history.replaceState(null, '', window.location.pathname);
  }, [outcome]);
  return (
    <>
      {outcome && (
        <div className={`notice ${outcome.ok ? 'success' : 'error'}`} role={outcome.ok ? 'status' : 'alert'}>
          <p>{outcome.ok ? 'Your bank is linked. Your balances and transactions are below; only you see them.' : outcome.message}</p>
          <button type="button" className="link-button" onClick={() => setOutcome(null)}>
            Dismiss
          </button>
        </div>
      )}
      {linkedInstitution && <AlertOffer institutionId={linkedInstitution} />}
    </>
  );
}

/** The consent a Renew button (`?renew=<consentId>`) asks to link again, once it is found. */
export function useRenewal(): Consent | null {
  const [consent, setConsent] = useState<Consent | null>(null);
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('renew');
    if (!id) return;
    window.history.replaceState(null, '', window.location.pathname);
    listConsents()
      .then((list) => setConsent(list.consents.find((c) => c.id === id) ?? null))
      .catch(() => undefined);
  }, []);
  return consent;
}
