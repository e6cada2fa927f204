/** Consent and revocation receipts, each downloadable as the JWS Parley signed. */
import type { ReceiptSummary } from '@parley/protocol';
import { useState } from 'react';
import { fetchReceipt } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { formatDateTime } from '../ui/format';

/** Save text as a file, the browser's own way. */
function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ReceiptsSection(props: { receipts: readonly ReceiptSummary[] | null }) {
  const [error, setError] = useState<string | null>(null);

  const download = async (receipt: ReceiptSummary): Promise<void> => {
    setError(null);
    try {
      const full = await fetchReceipt(receipt.id);
      saveFile(`parley-${receipt.kind}-receipt-${receipt.id}.jws`, full.jws, 'application/jose');
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section className="card" aria-labelledby="receipts-heading">
      <h2 id="receipts-heading">Receipts</h2>
      <p className="muted small">
        Each receipt is signed by Parley and states what you allowed, why, until when, and that nothing is used for advertising or shared. Check one with any JOSE library
        against <a href="/.well-known/jwks.json">Parley’s public keys</a>.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {props.receipts?.length === 0 && <p className="muted">No receipts yet: you get one when you link a bank and one when a link ends.</p>}
      {props.receipts && props.receipts.length > 0 && (
        <ul className="item-list" aria-label="Receipts">
          {props.receipts.map((receipt) => {
            const title = `${receipt.kind === 'consent' ? 'Consent' : 'Revocation'} receipt, ${receipt.institution.name}`;
            return (
              <li key={receipt.id} className="item">
                <span className="item-body">
                  <span className="item-title">{title}</span>
                  <span className="muted small">{formatDateTime(receipt.createdAt)}</span>
                </span>
                <button type="button" className="button small" onClick={() => void download(receipt)}>
                  Download<span className="sr-only"> {title}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
