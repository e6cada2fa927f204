import type { MessageContent } from '@parley/protocol';
import { Component, type ReactNode } from 'react';
import { AlertAnswerNote, AlertCard } from '../../alerts/alert.card';
import { BalanceCard } from './balance.card';
import { ButtonsMessage } from './choices';
import { CsatSurveyCard } from './csat.card';
import { RevealRequestCard } from './reveal.card';
import { ConfirmationCard, ReceiptCard } from './receipt.card';
import { TransactionList } from './transaction.list';
import './content.css';

/**
 * Renders content beyond plain text, by content type. `conversationId` lets postback buttons
 * send (null for a message not stored yet). Returns null for a type it does not know.
 */
export function RichContent(props: { content: MessageContent; conversationId: string | null }) {
  const { content } = props;
  return <ContentBoundary>{render(content, props.conversationId)}</ContentBoundary>;
}

function render(content: MessageContent, conversationId: string | null): ReactNode {
  switch (content.contentType) {
    case 'quick_replies':
      return <p className="message-text">{content.text}</p>;
    case 'buttons':
      return <ButtonsMessage content={content} conversationId={conversationId} />;
    case 'postback':
      return <p className="message-text">{content.title}</p>;
    case 'template.balance':
      return <BalanceCard content={content} />;
    case 'template.transactions':
      return <TransactionList content={content} />;
    case 'template.receipt':
      return <ReceiptCard content={content} />;
    case 'template.confirmation':
      return <ConfirmationCard content={content} />;
    case 'alert':
      return <AlertCard content={content} conversationId={conversationId} />;
    case 'alert_answer':
      return <AlertAnswerNote content={content} />;
    case 'reveal_request':
      return <RevealRequestCard content={content} />;
    case 'csat_survey':
      return <CsatSurveyCard content={content} conversationId={conversationId} />;
    default:
      return <p className="message-unsupported">This message can’t be shown here.</p>;
  }
}

/** A message whose content breaks its type (from a server newer or older than this app) shows a placeholder, not a blank app. */
class ContentBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? <p className="message-unsupported">This message can’t be shown here.</p> : this.props.children;
  }
}

/** Content types that render as a card, wider than a text bubble. */
export function isCard(content: MessageContent): boolean {
  const { contentType } = content;
  return contentType.startsWith('template.') || contentType === 'alert' || contentType === 'reveal_request' || contentType === 'csat_survey';
}
