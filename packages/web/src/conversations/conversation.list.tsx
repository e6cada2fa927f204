import type { Conversation } from '@parley/protocol';
import { useChatState, useChatStore } from '../live/chat.context';
import { Link } from '../router';
import { Avatar } from '../ui/avatar';
import { formatListTime } from '../ui/format';
import { previewOf as contentPreview } from '../chat/content/content.preview';

export function ConversationList(props: { selectedId: string | null }) {
  const { conversations, listError } = useChatState();
  const store = useChatStore();
  return (
    <section className="conversation-list" aria-labelledby="conversations-heading">
      <h1 id="conversations-heading" className="pane-title">
        Conversations
      </h1>
      {listError && (
        <div className="notice error" role="alert">
          <p>{listError}</p>
          <button type="button" className="button" onClick={() => void store.refreshList()}>
            Try again
          </button>
        </div>
      )}
      {conversations === null && !listError && <p className="muted pad">Loading your conversations…</p>}
      {conversations?.length === 0 && <p className="muted pad">No conversations yet. Start one with your bank below.</p>}
      {conversations && conversations.length > 0 && (
        <ul className="rows">
          {conversations.map((conversation) => (
            <li key={conversation.id}>
              <ConversationRow conversation={conversation} selected={conversation.id === props.selectedId} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ConversationRow(props: { conversation: Conversation; selected: boolean }) {
  const { business, lastMessage, unread } = props.conversation;
  return (
    <Link
      to={`/app/c/${props.conversation.id}`}
      className="conversation-row"
      aria-current={props.selected ? 'page' : undefined}
      data-unread={unread > 0}
    >
      <Avatar name={business.name} />
      <span className="row-body">
        <span className="row-top">
          <span className="row-name">{business.name}</span>
          {lastMessage && <time dateTime={new Date(lastMessage.sentAt).toISOString()}>{formatListTime(lastMessage.sentAt)}</time>}
        </span>
        <span className="row-bottom">
          <span className="row-preview">{previewOf(props.conversation)}</span>
          {unread > 0 && (
            <span className="badge">
              {unread > 99 ? '99+' : unread}
              <span className="sr-only"> unread</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  );
}

function previewOf({ lastMessage, business }: Conversation): string {
  if (!lastMessage) return business.greeting ?? 'No messages yet';
  const text = contentPreview(lastMessage.content);
  return lastMessage.sender === 'person' ? `You: ${text}` : text;
}
