import type { MessageContent } from '@parley/protocol';
import { formatMoney } from './money.format';

/** One line for a message where there is no room for it: the conversation list, the screen-reader announcer. */
export function previewOf(content: MessageContent): string {
  switch (content.contentType) {
    case 'text':
    case 'quick_replies':
    case 'buttons':
      return content.text;
    case 'postback':
      return content.title;
    case 'template.balance': {
      const [first, ...rest] = content.accounts;
      if (!first) return 'Balance';
      return `Balance: ${first.name} ${formatMoney(first.balance)}${rest.length > 0 ? ` and ${rest.length} more` : ''}`;
    }
    case 'template.transactions':
      return content.title ?? `${content.transactions.length} ${content.transactions.length === 1 ? 'transaction' : 'transactions'}`;
    case 'template.receipt':
      return `Receipt: ${content.title}, ${formatMoney(content.total)}`;
    case 'template.confirmation':
      return content.title;
    case 'alert':
      return `Alert: ${content.headline}`;
    case 'alert_answer':
      return `You answered: ${content.label}`;
    case 'reveal_request':
    case 'csat_survey':
      return content.text;
    default:
      // A content type from a newer server.
      return 'Message';
  }
}
