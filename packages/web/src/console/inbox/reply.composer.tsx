/**
 * The agent's composer: a reply to the customer or an internal note (never sent to them), saved
 * replies by typing `/` and a shortcut, optional quick replies, and typing sent to the person.
 * Enter sends, Shift+Enter is a new line, Alt+N switches between reply and note.
 */
import type { AgentContent, CannedResponse, QuickReply } from '@parley/protocol';
import { maxChoiceTitleLength } from '@parley/protocol';
import { useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../../api/http.client';
import { addNote, sendAgentReply, sendAgentTyping } from '../../api/inbox.api';
import { useTypingSignal } from '../../chat/typing.signal';
import { newClientId } from '../../live/outbox';
import { useInboxStore } from './inbox.context';

type Mode = 'reply' | 'note';

export function ReplyComposer(props: { businessId: string; conversationId: string; canned: readonly CannedResponse[]; disabled: string | null }) {
  const { businessId, conversationId } = props;
  const store = useInboxStore();
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState('');
  const [quickReplies, setQuickReplies] = useState<QuickReply[]>([]);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal((state) => void sendAgentTyping(businessId, conversationId, state).catch(() => undefined));

  const shortcut = mode === 'reply' && /^\/[a-z0-9_-]*$/.test(text) ? text.slice(1) : null;
  const suggestions = useMemo(() => (shortcut === null ? [] : props.canned.filter((c) => c.shortcut.startsWith(shortcut)).slice(0, 6)), [shortcut, props.canned]);

  const useCanned = (canned: CannedResponse): void => {
    setText(canned.text);
    setQuickReplies(canned.quickReplies ? [...canned.quickReplies] : []);
    input.current?.focus();
  };
  const addChoice = (): void => {
    const title = choice.trim().slice(0, maxChoiceTitleLength);
    if (!title || quickReplies.length >= 13 || quickReplies.some((q) => q.title === title)) return;
    setQuickReplies([...quickReplies, { title, payload: `AGENT:${title}` }]);
    setChoice('');
  };
  const submit = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault();
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'note') {
        store.noted(await addNote(businessId, conversationId, body));
      } else {
        const content: AgentContent = quickReplies.length > 0 ? { contentType: 'quick_replies', text: body, quickReplies } : { contentType: 'text', text: body };
        const ack = await sendAgentReply(businessId, conversationId, { clientId: newClientId(), content });
        store.sent(ack.message);
        typing.stopped();
      }
      setText('');
      setQuickReplies([]);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.altKey && event.key.toLowerCase() === 'n') {
      event.preventDefault();
      setMode(mode === 'reply' ? 'note' : 'reply');
      return;
    }
    if (suggestions.length > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      setHighlight((at) => (at + (event.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
      return;
    }
    if (suggestions.length > 0 && (event.key === 'Tab' || event.key === 'Enter')) {
      const picked = suggestions[Math.min(highlight, suggestions.length - 1)];
      if (picked) {
        event.preventDefault();
        useCanned(picked);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) void submit(event);
  };

  if (props.disabled) return <p className="composer-closed muted">{props.disabled}</p>;
  const note = mode === 'note';
  return (
    <form className={`agent-composer${note ? ' is-note' : ''}`} onSubmit={(event) => void submit(event)}>
      <div className="composer-modes" role="tablist" aria-label="Write">
        <button type="button" role="tab" aria-selected={!note} onClick={() => setMode('reply')}>
          Reply to customer
        </button>
        <button type="button" role="tab" aria-selected={note} onClick={() => setMode('note')}>
          Internal note
        </button>
        <span className="composer-hint muted small">{note ? 'Only your team sees notes.' : 'Type / for saved replies · Alt+N for a note'}</span>
      </div>
      {suggestions.length > 0 && (
        <ul className="canned-suggestions" role="listbox" aria-label="Saved replies">
          {suggestions.map((canned, index) => (
            <li key={canned.id} role="option" aria-selected={index === highlight}>
              <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={() => useCanned(canned)}>
                <code>/{canned.shortcut}</code> <span>{canned.text}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={`agent-input-${conversationId}`} className="sr-only">
        {note ? 'Internal note' : 'Reply to the customer'}
      </label>
      <textarea
        id={`agent-input-${conversationId}`}
        ref={input}
        rows={2}
        value={text}
        maxLength={4000}
        placeholder={note ? 'Write a note for your team…' : 'Write a reply…'}
        onChange={(event) => {
          setText(event.target.value);
          setHighlight(0);
          if (!note) typing.changed(event.target.value.trim() !== '');
        }}
        onBlur={() => typing.stopped()}
        onKeyDown={keyDown}
      />
      <div className="composer-footer">
        {!note && (
          <div className="composer-choices">
            {quickReplies.map((reply) => (
              <span key={reply.title} className="choice-chip">
                {reply.title}
                <button type="button" aria-label={`Remove quick reply ${reply.title}`} onClick={() => setQuickReplies(quickReplies.filter((q) => q !== reply))}>
                  ×
                </button>
              </span>
            ))}
            <input
              className="choice-input"
              aria-label="Add a quick reply"
              placeholder="+ Quick reply"
              value={choice}
              maxLength={maxChoiceTitleLength}
              onChange={(event) => setChoice(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') {
                  event.preventDefault();
                  addChoice();
                }
              }}
            />
          </div>
        )}
        <div className="composer-actions">
          {error && (
            <span className="form-error" role="alert">
              {error}
            </span>
          )}
          <button type="submit" className={`button ${note ? 'note-button' : 'primary'}`} disabled={busy || text.trim() === ''}>
            {busy ? 'Sending…' : note ? 'Add note' : 'Send'}
          </button>
        </div>
      </div>
    </form>
  );
}
