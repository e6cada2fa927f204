/** One link to a bank: what it allows and why, until when, the last read, and revoke (confirmed). */
import type { Consent } from '@parley/protocol';
import { useId, useState } from 'react';
import { revokeConsent } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { ConfirmDialog } from '../ui/confirm.dialog';
import { formatDateTime } from '../ui/format';

const titles: Record<string, string> = { balances: 'Balances', transactions: 'Transactions', account_details: 'Account details' };
const endedWords: Record<string, string> = { person: 'you revoked it', bank: 'revoked at the bank', expiry: 'it expired' };

export function ConsentCard(props: { consent: Consent; onRevoked?: () => void }) {
  const { consent, onRevoked } = props;
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await revokeConsent(consent.id);
      setConfirming(false);
      onRevoked?.();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="consent" aria-labelledby={`${id}-name`}>
      <h3 id={`${id}-name`}>
        {consent.institution.name} <span className="tag">{consent.status === 'active' ? 'Active' : consent.status === 'revoked' ? 'Revoked' : 'Expired'}</span>
      </h3>
      <ul className="permissions" aria-label={`What Parley may read at ${consent.institution.name}`}>
        {consent.permissions.map((permission) => (
          <li key={permission.category}>
            <span className="item-title">{titles[permission.category] ?? permission.category}</span>
            <span className="muted small">{permission.purpose}</span>
          </li>
        ))}
      </ul>
      <dl className="facts small">
        <dt>Linked</dt>
        <dd>{formatDateTime(consent.createdAt)}</dd>
        {consent.endedAt ? (
          <>
            <dt>Ended</dt>
            <dd>
              {formatDateTime(consent.endedAt)}
              {consent.endedBy ? ` (${endedWords[consent.endedBy] ?? consent.endedBy})` : ''}
            </dd>
          </>
        ) : (
          <>
            <dt>Ends</dt>
            <dd>{formatDateTime(consent.expiresAt)}</dd>
          </>
        )}
        <dt>Last read</dt>
        <dd>{consent.lastAccessAt ? formatDateTime(consent.lastAccessAt) : 'Never'}</dd>
      </dl>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {onRevoked && !confirming && (
        <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
          Revoke<span className="sr-only"> {consent.institution.name}</span>
        </button>
      )}
      {confirming && (
        <ConfirmDialog labelId={`${id}-confirm`} confirmLabel="Yes, revoke" busyLabel="Revoking…" busy={busy} onConfirm={() => void revoke()} onCancel={() => setConfirming(false)}>
          <p id={`${id}-confirm`}>
            Revoke access to {consent.institution.name}? Parley stops reading it now and deletes everything it holds from it. This cannot be undone; you can link again later.
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
