import type { ThreadItem } from '../live/chat.state';
import { formatTime } from '../ui/format';
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from '../ui/icons';
import { QuickReplyChips } from './content/choices';
import { isCard } from './content/message.content';
import { MessageBody } from './message.body';

const deliveryText = { sending: 'Sending…', sent: 'Sent', read: 'Read', failed: 'Not sent' } as const;

export function MessageBubble(props: {
  item: ThreadItem;
  businessName: string;
  /** Spell out the delivery state (the newest message of the person); others show the tick only. */
  showDeliveryText: boolean;
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
}) {
  const { item } = props;
  const sender = item.kind === 'pending' ? 'person' : item.message.sender;
  const content = item.kind === 'pending' ? item.pending.content : item.message.content;
  const sentAt = item.kind === 'message' ? item.message.sentAt : null;
  // A person at the bank (agent console) answers under their own name, never their email.
  const agent = item.kind === 'message' ? (item.message.agent?.displayName ?? null) : null;
  const who = sender === 'person' ? 'You' : sender === 'business' ? (agent ? `${agent} at ${props.businessName}` : props.businessName) : 'Parley';
  return (
    <li className={`message from-${sender}`} data-state={item.delivery ?? undefined} data-seq={item.kind === 'message' ? item.message.seq : undefined}>
      {agent && (
        <span className="message-agent" aria-hidden="true">
          {agent} · {props.businessName}
        </span>
      )}
      <div className={isCard(content) ? 'bubble bubble-card' : 'bubble'}>
        <span className="sr-only">{who}: </span>
        <MessageBody content={content} conversationId={item.kind === 'message' ? item.message.conversationId : null} />
        <span className="message-meta">
          {sentAt !== null && <time dateTime={new Date(sentAt).toISOString()}>{formatTime(sentAt)}</time>}
          {item.delivery && <Delivery state={item.delivery} spelled={props.showDeliveryText} />}
        </span>
      </div>
      {item.kind === 'message' && item.message.content.contentType === 'quick_replies' && <QuickReplyChips message={item.message} />}
      {item.kind === 'pending' && item.pending.state === 'failed' && (
        <div className="message-failed" role="alert">
          <span>{item.pending.error ?? 'This message was not sent.'}</span>
          <button type="button" className="link-button" onClick={() => props.onRetry(item.pending.clientId)}>
            Try again
          </button>
          <button type="button" className="link-button" onClick={() => props.onDiscard(item.pending.clientId)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

function Delivery(props: { state: keyof typeof deliveryText; spelled: boolean }) {
  const icon = { sending: <ClockIcon />, sent: <CheckIcon />, read: <DoubleCheckIcon />, failed: <AlertIcon /> }[props.state];
  return (
    <span className={`delivery ${props.state}`}>
      {icon}
      <span className={props.spelled ? undefined : 'sr-only'}>{deliveryText[props.state]}</span>
    </span>
  );
}
