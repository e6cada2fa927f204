/** The facts under an alert's headline, as label and value, in the person's locale. */
import type { AlertFacts } from '@parley/protocol';
import { formatBankDate, formatMoment, formatMoney } from '../chat/content/money.format';

const mask = (last4: string): string => `•••• ${last4}`;

/** Label and value of each fact the alert carries, in reading order. */
export function factLines(facts: AlertFacts): [string, string][] {
  const lines: [string, string | undefined][] = [
    ['Amount', facts.amount && formatMoney(facts.amount)],
    ['Merchant', facts.merchant],
    ['Where', facts.place],
    ['When', facts.time && formatMoment(facts.time)],
    ['Card', facts.cardMask && mask(facts.cardMask)],
    ['Account', facts.accountName && (facts.accountMask ? `${facts.accountName} ${mask(facts.accountMask)}` : facts.accountName)],
    ['Account', !facts.accountName && facts.accountMask ? mask(facts.accountMask) : undefined],
    ['Balance', facts.balance && formatMoney(facts.balance)],
    ['Warns below', facts.threshold && formatMoney(facts.threshold)],
    ['Device', facts.device],
    ['Ends on', facts.expiresOn && formatBankDate(facts.expiresOn)],
  ];
  return lines.filter((line): line is [string, string] => typeof line[1] === 'string' && line[1].length > 0);
}

export function AlertFactsList(props: { facts: AlertFacts }) {
  const lines = factLines(props.facts);
  return (
    <>
      {lines.length > 0 && (
        <dl className="alert-facts">
          {lines.map(([label, value], index) => (
            <div key={index} className="alert-fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {props.facts.detail && <p className="alert-detail">{props.facts.detail}</p>}
    </>
  );
}
