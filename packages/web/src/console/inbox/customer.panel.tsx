/**
 * What the agent may know of the customer: the BSID, what this conversation already showed,
 * what their link with this bank covers, and fields they chose to reveal — asked one at a
 * time, answered by the person with one tap, live.
 */
import type { CustomerContext, InboxConversation, RevealField, RevealRequest } from '@parley/protocol';
import { revealFields } from '@parley/protocol';
import { useState, type FormEvent } from 'react';
import { askToReveal } from '../../api/inbox.api';
import { formatDateTime, formatTime } from '../../ui/format';
import { useConsole } from '../console.context';
import { ErrorNote } from '../error.note';
import { useAction } from '../use.action';
import { CopyButton } from '../settings/copy.button';
import { useInboxStore } from './inbox.context';

export const revealFieldText: Record<RevealField, string> = {
  account_mask: 'Last 4 digits of account',
  balance: 'Account balance',
  account_type: 'Account type',
};

const sharedText: Record<string, string> = {
  'template.balance': 'Balances',
  'template.transactions': 'Transactions',
  'template.receipt': 'A receipt',
  'template.confirmation': 'A confirmation',
  alert: 'An alert',
};

const categoryText = { balances: 'balances', transactions: 'transactions', account_details: 'account details' } as const;

export function CustomerPanel(props: { row: InboxConversation; context: CustomerContext | null }) {
  const { row, context } = props;
  const shared = context?.shared.filter((item) => sharedText[item.contentType]) ?? [];
  return (
    <aside className="customer-panel" aria-labelledby="customer-title">
      <h2 id="customer-title">Customer</h2>
      <dl className="customer-facts">
        <dt>BSID</dt>
        <dd className="customer-bsid">
          <code>{row.bsid}</code>
          <CopyButton text={row.bsid} label="Copy" />
        </dd>
        <dt>Handed over</dt>
        <dd>{formatDateTime(row.handedOverAt)}</dd>
        {row.handoverNote && (
          <>
            <dt>Bot’s note</dt>
            <dd>{row.handoverNote}</dd>
          </>
        )}
        <dt>Linked account</dt>
        <dd>
          {context === null
            ? '…'
            : context.consents.length === 0
              ? 'Not linked to Parley'
              : context.consents.map((consent, index) => (
                  <span key={index} className="consent-line">
                    {consent.categories.map((c) => categoryText[c]).join(', ')} · {consent.status}, until {formatDateTime(consent.expiresAt)}
                  </span>
                ))}
        </dd>
        <dt>Shown in this conversation</dt>
        <dd>{shared.length === 0 ? 'Nothing from the account yet' : shared.map((item) => sharedText[item.contentType]).join(', ')}</dd>
      </dl>
      <RevealSection row={row} reveals={context?.reveals ?? []} disabled={context === null || row.owner !== 'inbox'} />
      <p className="muted small customer-privacy">Parley shows you only what this customer shared with {useConsole().business.name} here. No name, no email, nothing from other banks.</p>
    </aside>
  );
}

function RevealSection(props: { row: InboxConversation; reveals: readonly RevealRequest[]; disabled: boolean }) {
  const { business } = useConsole();
  const store = useInboxStore();
  const [field, setField] = useState<RevealField>('account_mask');
  const action = useAction();
  const waiting = props.reveals.some((r) => r.status === 'pending');
  const ask = (event: FormEvent): void => {
    event.preventDefault();
    void action.run('ask', async () => store.revealAsked(await askToReveal(business.id, props.row.conversationId, { field })));
  };
  return (
    <section className="reveals" aria-labelledby="reveals-title">
      <h3 id="reveals-title">Ask to reveal</h3>
      <form className="reveal-form" onSubmit={ask}>
        <label className="sr-only" htmlFor="reveal-field">
          Field to ask for
        </label>
        <select id="reveal-field" value={field} onChange={(event) => setField(event.target.value as RevealField)} disabled={props.disabled}>
          {revealFields.map((f) => (
            <option key={f} value={f}>
              {revealFieldText[f]}
            </option>
          ))}
        </select>
        <button type="submit" className="button small" disabled={props.disabled || action.busy !== null || waiting}>
          {action.busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
      <p className="muted small">The customer approves or declines with one tap; an approved reveal is written to their access log.</p>
      <ErrorNote message={action.error} />
      <ul className="reveal-list" aria-live="polite">
        {[...props.reveals].reverse().map((reveal) => (
          <li key={reveal.id} className={`reveal reveal-${reveal.status}`}>
            <span className="reveal-head">
              <span>{revealFieldText[reveal.field]}</span>
              <span className={`status-tag reveal-status-${reveal.status}`}>{reveal.status}</span>
            </span>
            {reveal.status === 'approved' && reveal.value && <strong className="reveal-value">{reveal.value}</strong>}
            {reveal.status === 'failed' && reveal.reason && <span className="small">{reveal.reason}</span>}
            <span className="muted small">
              {reveal.requestedBy.displayName} asked at {formatTime(reveal.createdAt)}
              {reveal.decidedAt ? ` · answered ${formatTime(reveal.decidedAt)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
