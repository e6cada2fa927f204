/**
 * The whole thread as the agent sees it: the customer, the bot and every agent, with internal
 * notes in place (on a yellow card, never sent), the person's read state and typing.
 */
import type { Message, MessageContent, Note } from '@parley/protocol';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { previewOf } from '../../chat/content/content.preview';
import { RichContent } from '../../chat/content/message.content';
import { formatDay, formatTime, isSameDay } from '../../ui/format';
import type { Thread } from './inbox.state';

type Item = { readonly kind: 'message'; readonly at: number; readonly message: Message } | { readonly kind: 'note'; readonly at: number; readonly note: Note };

export function ThreadView(props: { thread: Thread; personRead: number; typing: boolean; handoverNote: string | null; handedOverAt: number; onLoadEarlier(): void }) {
  const { thread } = props;
  const end = useRef<HTMLDivElement>(null);
  const items = threadItems(thread);
  const lastAgentSeq = [...thread.messages].reverse().find((m) => m.sender === 'business' && m.agent)?.seq ?? null;
  const last = items.at(-1);
  const lastKey = last ? itemKey(last) : null;
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [lastKey, props.typing]);
  const scroller = useKeptScroll(thread.messages[0]?.seq ?? null);

  return (
    <div className="thread" role="log" aria-label="Conversation" tabIndex={0} ref={scroller}>
      {!thread.loaded && !thread.error && <p className="muted thread-status">Loading the conversation…</p>}
      {thread.error && <p className="notice error">{thread.error}</p>}
      {thread.hasEarlier && (
        <div className="thread-earlier">
          <button type="button" className="button small" onClick={props.onLoadEarlier} disabled={thread.loadingEarlier} aria-busy={thread.loadingEarlier}>
            {thread.loadingEarlier ? 'Loading earlier messages…' : 'Load earlier messages'}
          </button>
          {thread.earlierError && (
            <p className="notice error" role="alert">
              {thread.earlierError}
            </p>
          )}
        </div>
      )}
      <ol className="thread-items">
        {items.map((item, index) => {
          const previous = items[index - 1];
          const day = !previous || !isSameDay(previous.at, item.at) ? <li className="thread-day">{formatDay(item.at)}</li> : null;
          const handover =
            previous && previous.at < props.handedOverAt && item.at >= props.handedOverAt ? (
              <li className="thread-event">Handed over to the team{props.handoverNote ? `: “${props.handoverNote}”` : ''}</li>
            ) : null;
          return [
            day,
            handover,
            item.kind === 'note' ? (
              <NoteItem key={itemKey(item)} note={item.note} />
            ) : (
              <MessageItem key={itemKey(item)} message={item.message} read={item.message.seq === lastAgentSeq && props.personRead >= item.message.seq} />
            ),
          ];
        })}
      </ol>
      {props.typing && (
        <p className="thread-typing" role="status">
          Customer is typing…
        </p>
      )}
      <div ref={end} />
    </div>
  );
}

const itemKey = (item: Item) => (item.kind === 'note' ? `n-${item.note.id}` : `m-${item.message.seq}`);

/**
 * Messages and notes by time. While earlier messages are still on the server, notes older than
 * the first message held wait with them, so each note shows where it was written, never at the top.
 */
function threadItems(thread: Thread): Item[] {
  const from = thread.hasEarlier ? (thread.messages[0]?.sentAt ?? Infinity) : -Infinity;
  return [
    ...thread.messages.map((message) => ({ kind: 'message' as const, at: message.sentAt, message })),
    ...thread.notes.filter((note) => note.createdAt >= from).map((note) => ({ kind: 'note' as const, at: note.createdAt, note })),
  ].sort((a, b) => a.at - b.at);
}

/**
 * When earlier messages are put above (the first seq drops), the scroller moves down by the
 * height they added, so what the agent was reading stays where it was.
 */
function useKeptScroll(firstSeq: number | null) {
  const element = useRef<HTMLDivElement>(null);
  const seen = useRef<{ firstSeq: number | null; height: number }>({ firstSeq, height: 0 });
  useLayoutEffect(() => {
    const node = element.current;
    if (!node) return;
    const before = seen.current;
    if (before.firstSeq !== null && firstSeq !== null && firstSeq < before.firstSeq) node.scrollTop += node.scrollHeight - before.height;
    seen.current = { firstSeq, height: node.scrollHeight };
  });
  return element;
}

function MessageItem(props: { message: Message; read: boolean }) {
  const { message } = props;
  const from = message.sender === 'person' ? 'customer' : message.sender === 'system' ? 'system' : message.agent ? 'agent' : 'bot';
  const who = from === 'customer' ? 'Customer' : from === 'agent' ? (message.agent?.displayName ?? 'Agent') : from === 'bot' ? 'Bot' : 'Parley';
  return (
    <li className={`thread-message from-${from}`} data-seq={message.seq}>
      <span className="thread-who">
        {who} · <time dateTime={new Date(message.sentAt).toISOString()}>{formatTime(message.sentAt)}</time>
      </span>
      <div className="thread-bubble">
        <ConsoleContent content={message.content} />
      </div>
      {props.read && <span className="thread-read">Read</span>}
    </li>
  );
}

function NoteItem(props: { note: Note }) {
  const { note } = props;
  return (
    <li className="thread-note">
      <span className="thread-who">
        Internal note · {note.author.displayName} · <time dateTime={new Date(note.createdAt).toISOString()}>{formatTime(note.createdAt)}</time>
      </span>
      <p>{note.text}</p>
    </li>
  );
}

/**
 * Content as the agent sees it: text and choices as they were offered (not tappable here),
 * bank templates with the person's own renderers, and Parley's cards as one line.
 */
function ConsoleContent(props: { content: MessageContent }) {
  const { content } = props;
  switch (content.contentType) {
    case 'text':
      return <p className="message-text">{content.text}</p>;
    case 'quick_replies':
    case 'buttons':
      return (
        <>
          <p className="message-text">{content.text}</p>
          <ul className="thread-choices" aria-label="Offered choices">
            {(content.contentType === 'quick_replies' ? content.quickReplies : content.buttons).map((choice, index) => (
              <li key={index}>{choice.title}</li>
            ))}
          </ul>
        </>
      );
    case 'postback':
      return (
        <p className="message-text">
          {content.title} <span className="thread-tapped">(tapped)</span>
        </p>
      );
    case 'reveal_request':
      return <p className="message-text thread-system-card">Asked the customer: {content.text}</p>;
    case 'csat_survey':
      return <p className="message-text thread-system-card">Satisfaction survey sent: {content.text}</p>;
    default:
      if (content.contentType.startsWith('template.')) return <RichContent content={content} conversationId={null} />;
      return <p className="message-text">{previewOf(content)}</p>;
  }
}
