/** The Privacy Center: linked banks and what they allow, every read of the person's data, receipts, export and deletion. */
import type { Consent, ReceiptSummary } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { listConsents, listReceipts } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { LinkBankForm } from '../money/link.form';
import { PageHeader } from '../ui/page.header';
import { AccessLogSection } from './access-log.section';
import { ConsentCard } from './consent.card';
import { ReceiptsSection } from './receipts.section';
import { YourDataSection } from './your-data.section';
import '../money/money.css';

export function PrivacyPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const [consents, setConsents] = useState<Consent[] | null>(null);
  const [receipts, setReceipts] = useState<ReceiptSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  // Bumped after a revocation, so the access log shows the refusals and reads that follow.
  const [generation, setGeneration] = useState(0);
  const [linking, setLinking] = useState(false);
  useEffect(() => heading.current?.focus(), []);
  // The revoked bank's card is gone: keep keyboard focus on what happened instead of losing it.
  useEffect(() => resultRef.current?.focus(), [result]);

  const load = useCallback(() => {
    Promise.all([listConsents(), listReceipts()])
      .then(([consentList, receiptList]) => {
        setConsents(consentList.consents);
        setReceipts(receiptList.receipts);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(load, [load]);

  const revoked = (consent: Consent): void => {
    setResult(`${consent.institution.name} is unlinked. Parley deleted its access and the data it held from it, and can no longer read anything there. Your revocation receipt is below.`);
    setGeneration((before) => before + 1);
    load();
  };

  const active = consents?.filter((c) => c.status === 'active') ?? [];
  const ended = consents?.filter((c) => c.status !== 'active') ?? [];
  return (
    <div className="account-page privacy-page">
      <PageHeader title="Privacy Center" headingRef={heading} />
      <div className="account-sections">
        <p className="muted">
          Parley reads your bank data only with your consent, only to show it to you or to explain an alert, and never for advertising or for anyone else. Every read is listed
          here.
        </p>
        {result && (
          <div className="notice success" role="status" tabIndex={-1} ref={resultRef}>
            <p>{result}</p>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <section className="card" aria-labelledby="banks-heading">
          <h2 id="banks-heading">Linked banks</h2>
          {consents === null && !error && <p className="muted">Loading…</p>}
          {consents && active.length === 0 && <p className="muted">No bank is linked. Parley cannot read any of your bank data.</p>}
          {active.map((consent) => (
            <ConsentCard key={consent.id} consent={consent} onRevoked={() => revoked(consent)} />
          ))}
          {consents && linking && <LinkBankForm onCancel={() => setLinking(false)} />}
          {consents && !linking && (
            <button type="button" className="button" onClick={() => setLinking(true)}>
              Link a bank
            </button>
          )}
          {ended.length > 0 && (
            <details className="ended-consents">
              <summary>Ended links ({ended.length})</summary>
              {ended.map((consent) => (
                <ConsentCard key={consent.id} consent={consent} />
              ))}
            </details>
          )}
        </section>
        <ReceiptsSection receipts={receipts} />
        <AccessLogSection key={generation} />
        <YourDataSection />
      </div>
    </div>
  );
}
