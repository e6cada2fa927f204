/** The Money panel: linked accounts with balances, spending and balance charts, transactions. */
import type { MoneyAccount } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { listAccounts } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { Link } from '../router';
import { PageHeader } from '../ui/page.header';
import { AccountDetail } from './account.detail';
import { AccountsList } from './accounts.list';
import { LinkBankForm } from './link.form';
import { LinkOutcomeNotice, useRenewal } from './link.outcome';
import './money.css';

export function MoneyPage() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [accounts, setAccounts] = useState<MoneyAccount[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const renewal = useRenewal();
  useEffect(() => heading.current?.focus(), []);

  const load = useCallback(() => {
    setError(null);
    listAccounts()
      .then((list) => {
        setAccounts(list.accounts);
        setSelected((before) => (list.accounts.some((a) => a.id === before) ? before : (list.accounts[0]?.id ?? null)));
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  useEffect(load, [load]);

  const account = accounts?.find((a) => a.id === selected) ?? null;
  return (
    <div className="account-page money-page">
      <PageHeader title="Money" headingRef={heading} />
      <div className="account-sections">
        <LinkOutcomeNotice />
        {renewal && (
          <section className="card">
            <LinkBankForm key={renewal.id} renew={renewal} intro="Your link ends soon. Renew it to keep seeing your money here; the old one stays until it ends." />
          </section>
        )}
        {error && (
          <div className="notice error" role="alert">
            <p>{error}</p>
            <button type="button" className="button small" onClick={load}>
              Try again
            </button>
          </div>
        )}
        {accounts === null && !error && <p className="muted">Loading your accounts…</p>}
        {accounts?.length === 0 && (
          <section className="card">
            <LinkBankForm intro="No bank is linked yet. Link one to see your balances, spending and transactions here — only you see them." />
          </section>
        )}
        {accounts && accounts.length > 0 && (
          <>
            <AccountsList accounts={accounts} selected={selected} onSelect={setSelected} />
            {account && <AccountDetail key={account.id} account={account} />}
            <section className="card" aria-label="Link another bank">
              {linking ? (
                <LinkBankForm onCancel={() => setLinking(false)} />
              ) : (
                <>
                  <p className="muted">Change what Parley may read, or link another bank. Revoke a link in the <Link to="/app/privacy">Privacy Center</Link>.</p>
                  <button type="button" className="button" onClick={() => setLinking(true)}>
                    Link a bank
                  </button>
                </>
              )}
            </section>
          </>
        )}
      </div>
    </div>
  );
}
