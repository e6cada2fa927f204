import type { ContentOf, Money } from '@parley/protocol';
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
            <BalanceAmount money={account.balance} />
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

/** Big, unless the number is so long that big would break it over two lines on a phone. */
function BalanceAmount(props: { money: Money }) {
  const text = formatMoney(props.money);
  const classes = ['balance-amount', text.length > 14 ? 'long' : '', isNegative(props.money) ? 'negative' : ''].filter(Boolean).join(' ');
  return (
    <p className={classes}>
      <span className="sr-only">Balance </span>
      {text}
    </p>
  );
}
