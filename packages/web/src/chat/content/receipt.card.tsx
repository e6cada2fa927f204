import type { ContentOf } from '@parley/protocol';
import { CheckIcon } from '../../ui/icons';
import { formatMoney } from './money.format';

/** A receipt: its lines, the total, and the bank's reference. */
export function ReceiptCard(props: { content: ContentOf<'template.receipt'> }) {
  const { title, items, total, reference } = props.content;
  return (
    <div className="template-card receipt-card">
      <p className="template-title">{title}</p>
      <ul className="receipt-items" aria-label={`${title}: items`}>
        {items.map((item, index) => (
          <li key={index} className="receipt-line">
            <span>{item.label}</span>
            <span className="receipt-amount">{formatMoney(item.amount)}</span>
          </li>
        ))}
      </ul>
      <p className="receipt-line receipt-total">
        <span>Total</span>
        <span className="receipt-amount">{formatMoney(total)}</span>
      </p>
      {reference && <p className="template-footnote">Reference {reference}</p>}
    </div>
  );
}

/** Something the bank did, confirmed: a title, what it means, and its reference. */
export function ConfirmationCard(props: { content: ContentOf<'template.confirmation'> }) {
  const { title, text, reference } = props.content;
  return (
    <div className="template-card confirmation-card">
      <p className="confirmation-title">
        <span className="confirmation-icon">
          <CheckIcon />
        </span>
        {title}
      </p>
      <p className="message-text">{text}</p>
      {reference && <p className="template-footnote">Reference {reference}</p>}
    </div>
  );
}
