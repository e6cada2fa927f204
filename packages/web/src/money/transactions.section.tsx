/** The account's transactions (60 days), searchable by merchant, amount and date. */
import { useId, useMemo, useState } from 'react';
import { formatMoney, isNegative } from '../chat/content/money.format';
import { categoryName } from './money.charts';
import { filterTransactions, noFilter, type Transaction, type TransactionFilter } from './money.math';

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shownAtOnce = 50;

export function TransactionsSection(props: { transactions: readonly Transaction[] }) {
  const id = useId();
  const [filter, setFilter] = useState<TransactionFilter>(noFilter);
  const [limit, setLimit] = useState(shownAtOnce);
  const found = useMemo(() => filterTransactions(props.transactions, filter), [props.transactions, filter]);
  const set = (key: keyof TransactionFilter) => (value: string) => {
    setFilter((before) => ({ ...before, [key]: value }));
    setLimit(shownAtOnce);
  };

  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Transactions</h2>
      <form className="inline-form search-form" role="search" aria-label="Search transactions" onSubmit={(event) => event.preventDefault()}>
        <Field id={`${id}-text`} label="Merchant or description" type="search" value={filter.text} onChange={set('text')} />
        <Field id={`${id}-amount`} label="Amount" type="text" inputMode="decimal" value={filter.amount} onChange={set('amount')} />
        <Field id={`${id}-from`} label="From" type="date" value={filter.from} onChange={set('from')} />
        <Field id={`${id}-to`} label="To" type="date" value={filter.to} onChange={set('to')} />
      </form>
      <p className="muted small" role="status">
        {found.length === props.transactions.length ? `${found.length} transactions` : `${found.length} of ${props.transactions.length} transactions match`}
      </p>
      <ul className="item-list transactions" aria-label="Transactions">
        {found.slice(0, limit).map((transaction) => (
          <li key={transaction.id} className="item">
            <span className="item-body">
              <span className="item-title">{transaction.merchant ?? transaction.description ?? 'Transaction'}</span>
              <span className="muted small">
                {dayFormat.format(transaction.bookedAt)}
                {transaction.category ? ` · ${categoryName(transaction.category)}` : ''}
                {transaction.status === 'PDNG' ? ' · pending' : ''}
              </span>
            </span>
            <span className={isNegative(transaction) ? 'amount' : 'amount money-in'}>{formatMoney(transaction, { signed: true })}</span>
          </li>
        ))}
      </ul>
      {found.length > limit && (
        <button type="button" className="button" onClick={() => setLimit((before) => before + shownAtOnce)}>
          Show more
        </button>
      )}
    </section>
  );
}

function Field(props: { id: string; label: string; type: string; value: string; inputMode?: 'decimal'; onChange(value: string): void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input id={props.id} type={props.type} inputMode={props.inputMode} value={props.value} onChange={(event) => props.onChange(event.target.value)} />
    </div>
  );
}
