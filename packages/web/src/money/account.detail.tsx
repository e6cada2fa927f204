/** One account: spending by category and the balance trend over 30 days, then its transactions. */
import type { MoneyAccount, MoneyBalances, MoneyTransactions } from '@parley/protocol';
import { useEffect, useMemo, useState } from 'react';
import { fetchBalances, fetchTransactions } from '../api/banking.api';
import { describeError } from '../api/http.client';
import { BalanceChart, SpendingChart } from './money.charts';
import { balanceTrend, bookedBalance, spendingByCategory } from './money.math';
import { SourceLine } from './source.line';
import { TransactionsSection } from './transactions.section';

export function AccountDetail(props: { account: MoneyAccount }) {
  const { account } = props;
  const [balances, setBalances] = useState<MoneyBalances | null>(null);
  const [transactions, setTransactions] = useState<MoneyTransactions | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // Transactions need the transactions permission; balances alone still draw the trend's end.
    fetchBalances(account.id)
      .then((result) => live && setBalances(result))
      .catch((failure: unknown) => live && setError(describeError(failure)));
    fetchTransactions(account.id)
      .then((result) => live && setTransactions(result))
      .catch((failure: unknown) => live && setError(describeError(failure)));
    return () => {
      live = false;
    };
  }, [account.id]);

  const now = transactions?.source.fetchedAt ?? 0;
  const spending = useMemo(() => (transactions ? spendingByCategory(transactions.transactions, now) : []), [transactions, now]);
  const booked = balances ? bookedBalance(balances.balances) : undefined;
  const trend = useMemo(() => (booked && transactions ? balanceTrend(booked.amount, transactions.transactions, now) : []), [booked, transactions, now]);

  return (
    <>
      <section className="card" aria-labelledby="charts-heading">
        <h2 id="charts-heading">{account.name}: the last 30 days</h2>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {!transactions && !error && <p className="muted">Loading…</p>}
        {transactions && (
          <div className="charts">
            <div>
              <h3>Spending by category</h3>
              <SpendingChart spending={spending} currency={account.currency} />
            </div>
            {trend.length > 1 && (
              <div>
                <h3>Balance</h3>
                <BalanceChart points={trend} currency={account.currency} />
              </div>
            )}
          </div>
        )}
        {transactions && <SourceLine source={transactions.source} />}
      </section>
      {transactions && <TransactionsSection transactions={transactions.transactions} />}
    </>
  );
}
