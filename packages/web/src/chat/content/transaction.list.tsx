import type { ContentOf, Transaction } from '@parley/protocol';
import { formatBankDate, formatMoney, isNegative } from './money.format';

/** A list of transactions: date, merchant, signed amount; pending ones say so. */
export function TransactionList(props: { content: ContentOf<'template.transactions'> }) {
  const { title, transactions } = props.content;
  const label = title ?? 'Transactions';
  return (
    <div className="template-card transactions-card">
      {title && <p className="template-title">{title}</p>}
      <ul className="transactions" aria-label={label}>
        {transactions.map((transaction, index) => (
          <TransactionRow key={transaction.id ?? index} transaction={transaction} />
        ))}
      </ul>
    </div>
  );
}

function TransactionRow(props: { transaction: Transaction }) {
  const { date, merchant, amount, status, category } = props.transaction;
  const out = isNegative(amount);
  return (
    <li className="transaction" data-status={status}>
      <div className="transaction-what">
        <span className="transaction-merchant">{merchant}</span>
        <span className="transaction-meta">
          <time dateTime={date}>{formatBankDate(date)}</time>
          {category && (
            <>
              <span aria-hidden="true">·</span>
              <span>{category}</span>
            </>
          )}
          {status === 'pending' && <span className="status-pending">Pending</span>}
        </span>
      </div>
      <span className={`transaction-amount ${out ? 'money-out' : 'money-in'}`}>
        <span className="sr-only">{out ? 'Paid ' : 'Received '}</span>
        {formatMoney(amount, { signed: true })}
      </span>
    </li>
  );
}
