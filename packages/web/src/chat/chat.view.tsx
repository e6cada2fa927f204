import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useChatState, useChatStore } from '../live/chat.context';
import { emptyThread, findConversation, threadItems } from '../live/chat.state';
import { BankLinkEntry } from '../money/bank.entry';
import { NoticeMenu } from '../notices/notice.menu';
import { useNoticeTimeline } from '../notices/use.notice.timeline';
import { Link } from '../router';
import { Avatar } from '../ui/avatar';
import { BackIcon } from '../ui/icons';
import { Composer } from './composer';
import { ConversationActions } from './menu/conversation.actions';
import { MessageList } from './message.list';

/** On a phone the keyboard would cover the chat: focus the heading there, the composer on a desktop. */
const wideScreen = '(min-width: 760px)';

export function ChatView(props: { conversationId: string }) {
  const { conversationId } = props;
  const store = useChatStore();
  const state = useChatState();
  const conversation = findConversation(state, conversationId);
  const thread = state.threads[conversationId] ?? emptyThread;
  const items = useMemo(() => threadItems(state, conversationId), [state, conversationId]);
  const timeline = useNoticeTimeline({ store, state, conversationId, businessId: conversation?.business.id, items });
  const heading = useRef<HTMLHeadingElement>(null);
  const desktop = useMemo(() => window.matchMedia(wideScreen).matches, []);

  useEffect(() => {
    store.setViewing(conversationId);
    return () => store.setViewing(null);
  }, [store, conversationId]);
  useEffect(() => {
    if (!desktop) heading.current?.focus();
  }, [desktop]);

  const loadOlder = useCallback(() => void store.loadOlder(conversationId), [store, conversationId]);
  const typing = useCallback((typingState: 'start' | 'stop') => store.typing(conversationId, typingState), [store, conversationId]);
  const retry = useCallback((clientId: string) => store.retry(clientId), [store]);
  const discard = useCallback((clientId: string) => store.discard(clientId), [store]);

  if (!conversation) return <ChatMissing loading={state.conversations === null || thread.loading !== null} />;
  const name = conversation.business.name;
  return (
    <section className="chat" aria-labelledby="chat-title">
      <header className="chat-header">
        <BackLink />
        <Avatar name={name} />
        <h1 id="chat-title" ref={heading} tabIndex={-1}>
          {name}
        </h1>
        <div className="chat-header-actions">
          <BankLinkEntry businessId={conversation.business.id} />
          <NoticeMenu businessId={conversation.business.id} name={name} />
        </div>
      </header>
      {thread.error && (
        <div className="notice error" role="alert">
          <p>{thread.error}</p>
          <button type="button" className="button small" onClick={() => void store.loadLatest(conversationId)}>
            Try again
          </button>
        </div>
      )}
      <MessageList thread={thread} items={timeline} businessName={name} onLoadOlder={loadOlder} onRetry={retry} onDiscard={discard} />
      <TypingIndicator name={name} typing={state.typing[conversationId] !== undefined} />
      <ConversationActions business={conversation.business} thread={state.threads[conversationId]} items={items} onPostback={(choice) => store.postback(conversationId, choice)}>
        <Composer
          conversationId={conversationId}
          businessName={name}
          autoFocus={desktop}
          onSend={(text) => store.send(conversationId, text)}
          onTyping={typing}
        />
      </ConversationActions>
    </section>
  );
}

/** Always mounted, so screen readers hear it start. */
function TypingIndicator(props: { name: string; typing: boolean }) {
  return (
    <div className="typing-indicator" role="status">
      {props.typing && (
        <>
          <span className="dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {props.name} is typing…
        </>
      )}
    </div>
  );
}

function ChatMissing(props: { loading: boolean }) {
  return (
    <section className="chat chat-missing">
      <BackLink />
      {props.loading ? (
        <p className="muted center" role="status">
          Loading the conversation…
        </p>
      ) : (
        <div className="center">
          <h1>Conversation not found</h1>
          <p className="muted">It does not exist, or it belongs to someone else.</p>
          <Link to="/app" className="button">
            Back to conversations
          </Link>
        </div>
      )}
    </section>
  );
}

function BackLink() {
  return (
    <Link to="/app" className="back-link">
      <BackIcon />
      <span className="sr-only">Back to conversations</span>
    </Link>
  );
}
