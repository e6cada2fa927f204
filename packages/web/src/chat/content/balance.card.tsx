import type { ContentOf } from '@parley/protocol';
import { formatMoment, formatMoney, isNegative } from './money.format';

/** A balance card: each account with its name, masked number, balance (big) and what is available (small). */
export function BalanceCard(props: { content: ContentOf<'template.balance'> }) {
  const { accounts, asOf } = props.content;
  return (
    <div className="template-card balance-card">
      <ul className="balance-accounts" aria-label="Balances">
        {accounts.map((account, index) => (
          <li key={index} className="balance-account">
            <div className="balance-account-name">
              <span>{account.name}</span>
              {account.mask && (
                <span className="account-mask">
                  <span aria-hidden="true">•••• </span>
                  <span className="sr-only">ending in </span>
                  {account.mask}
                </span>
              )}
            </div>
            <p className={`balance-amount${isNegative(account.balance) ? ' negative' : ''}`}>
              <span className="sr-only">Balance </span>
              {formatMoney(account.balance)}
            </p>
            {account.available && <p className="balance-available">Available {formatMoney(account.available)}</p>}
          </li>
        ))}
      </ul>
      <p className="template-footnote">
        As of <time dateTime={asOf}>{formatMoment(asOf)}</time>
      </p>
    </div>
  );
}
