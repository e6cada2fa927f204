/** The inbox: the list of handed-over conversations beside the one open, and its customer panel. */
import { useEffect } from 'react';
import { roleCan } from '../../api/console.api';
import { useConsole } from '../console.context';
import { ConversationPane } from './conversation.pane';
import { useInboxStore } from './inbox.context';
import { InboxList } from './inbox.list';

export function InboxPage(props: { conversationId: string | null }) {
  const { role, business } = useConsole();
  const store = useInboxStore();
  const { conversationId } = props;
  useEffect(() => {
    void store.open(conversationId);
  }, [store, conversationId]);
  if (!roleCan.answer(role)) {
    return (
      <div className="console-empty">
        <h1>The inbox is for agents and owners</h1>
        <p className="muted">As a developer of {business.name} you manage its API keys and webhooks in Settings.</p>
      </div>
    );
  }
  return (
    <div className="inbox">
      <nav className="inbox-list-pane" aria-label="Conversations">
        <InboxList selectedId={conversationId} />
      </nav>
      {conversationId ? (
        <ConversationPane key={conversationId} conversationId={conversationId} />
      ) : (
        <div className="console-empty">
          <h2>Choose a conversation</h2>
          <p className="muted">Conversations your bot hands over appear on the left as they arrive. Use ↑ and ↓ to move through them.</p>
        </div>
      )}
    </div>
  );
}
