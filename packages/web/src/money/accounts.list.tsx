/** Every linked account with its booked balance; choosing one shows its charts and transactions. */
import type { MoneyAccount, MoneyBalances } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { fetchBalances } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { formatMoney } from '../chat/content/money.format';
import { bookedBalance } from './money.math';
import { SourceLine } from './source.line';

type BalanceState = MoneyBalances | { readonly error: string };

const accountTypes: Record<string, string> = { CACC: 'Current account', SVGS: 'Savings', CARD: 'Credit card', LOAN: 'Loan' };

export function AccountsList(props: { accounts: readonly MoneyAccount[]; selected: string | null; onSelect(id: string): void }) {
  const { accounts } = props;
  const [balances, setBalances] = useState<Record<string, BalanceState>>({});

  useEffect(() => {
    for (const account of accounts) {
      fetchBalances(account.id)
        .then((result) => setBalances((before) => ({ ...before, [account.id]: result })))
        .catch((failure: unknown) => setBalances((before) => ({ ...before, [account.id]: { error: describeError(failure) } })));
    }
  }, [accounts]);

  return (
    <section className="card" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts</h2>
      <ul className="item-list" aria-label="Balances">
        {accounts.map((account) => {
          const state = balances[account.id];
          const booked = state && 'balances' in state ? bookedBalance(state.balances) : undefined;
          return (
            <li key={account.id} className="item account-row">
              <button type="button" className="account-choice" aria-pressed={props.selected === account.id} onClick={() => props.onSelect(account.id)}>
                <span className="item-body">
                  <span className="item-title">{account.name}</span>
                  <span className="muted small">
                    {accountTypes[account.type] ?? account.type}
                    {account.identification ? ` · ${account.identification}` : ''} · {account.source.institution.name}
                  </span>
                </span>
                <span className="account-balance">
                  {booked ? formatMoney(booked) : state && 'error' in state ? <span className="form-error">{state.error}</span> : <span className="muted">…</span>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {accounts[0] && <SourceLine source={accounts[0].source} />}
    </section>
  );
}
