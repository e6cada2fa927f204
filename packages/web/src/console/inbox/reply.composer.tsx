/**
 * The agent's composer: a reply to the customer or an internal note (never sent to them), saved
 * replies by typing `/` and a shortcut, optional quick replies, and typing sent to the person.
 * Enter sends, Shift+Enter is a new line, Alt+N switches between reply and note.
 */
import type { AgentContent, CannedResponse, QuickReply } from '@parley/protocol';
import { useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { addNote, sendAgentReply, sendAgentTyping } from '../../api/inbox.api';
import { useTypingSignal } from '../../chat/typing.signal';
import { newClientId } from '../../live/outbox';
import { useAction } from '../use.action';
import { CannedSuggestions, useCannedSuggestions } from './canned.suggestions';
import { useInboxStore } from './inbox.context';
import type { InboxStore } from './inbox.store';
import { QuickRepliesEditor } from './quick-replies.editor';

type Mode = 'reply' | 'note';

export interface ReplyComposerProps {
  businessId: string;
  conversationId: string;
  canned: readonly CannedResponse[];
  /** Why the conversation takes no reply now (it is with the bot again), or null. */
  disabled: string | null;
}

export function ReplyComposer(props: ReplyComposerProps) {
  const { businessId, conversationId } = props;
  const store = useInboxStore();
  const [mode, setMode] = useState<Mode>('reply');
  const [text, setText] = useState('');
  const [quickReplies, setQuickReplies] = useState<QuickReply[]>([]);
  const action = useAction();
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal((state) => void sendAgentTyping(businessId, conversationId, state).catch(() => undefined));
  const note = mode === 'note';
  const canned = useCannedSuggestions(note ? '' : text, props.canned, (picked) => {
    setText(picked.text);
    setQuickReplies(picked.quickReplies ? [...picked.quickReplies] : []);
    input.current?.focus();
  });

  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    if (!text.trim() || action.busy) return;
    const sending = async (): Promise<void> => {
      await post(store, { businessId, conversationId, note, text: text.trim(), quickReplies });
      if (!note) typing.stopped();
      setText('');
      setQuickReplies([]);
    };
    void action.run('send', sending).then(() => input.current?.focus());
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.altKey && event.key.toLowerCase() === 'n') {
      event.preventDefault();
      setMode(note ? 'reply' : 'note');
    } else if (!canned.keyDown(event) && event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      submit(event);
    }
  };

  if (props.disabled) return <p className="composer-closed muted">{props.disabled}</p>;
  return (
    <form className={`agent-composer${note ? ' is-note' : ''}`} onSubmit={submit}>
      <ComposerModes note={note} onMode={setMode} />
      <CannedSuggestions suggestions={canned} />
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
          if (!note) typing.changed(event.target.value.trim() !== '');
        }}
        onBlur={() => typing.stopped()}
        onKeyDown={keyDown}
      />
      <ComposerFooter note={note} busy={action.busy !== null} error={action.error} canSend={text.trim() !== ''}>
        {!note && <QuickRepliesEditor quickReplies={quickReplies} onChange={setQuickReplies} />}
      </ComposerFooter>
    </form>
  );
}

/** A note goes to the team only; a reply (with its quick replies, if any) to the customer, under the agent's name. */
async function post(store: InboxStore, draft: { businessId: string; conversationId: string; note: boolean; text: string; quickReplies: QuickReply[] }): Promise<void> {
  const { businessId, conversationId, text, quickReplies } = draft;
  if (draft.note) {
    store.noted(await addNote(businessId, conversationId, text));
    return;
  }
  const content: AgentContent = quickReplies.length > 0 ? { contentType: 'quick_replies', text, quickReplies } : { contentType: 'text', text };
  store.sent((await sendAgentReply(businessId, conversationId, { clientId: newClientId(), content })).message);
}

function ComposerModes(props: { note: boolean; onMode(mode: Mode): void }) {
  return (
    <div className="composer-modes" role="tablist" aria-label="Write">
      <button type="button" role="tab" aria-selected={!props.note} onClick={() => props.onMode('reply')}>
        Reply to customer
      </button>
      <button type="button" role="tab" aria-selected={props.note} onClick={() => props.onMode('note')}>
        Internal note
      </button>
      <span className="composer-hint muted small">{props.note ? 'Only your team sees notes.' : 'Type / for saved replies · Alt+N for a note'}</span>
    </div>
  );
}

function ComposerFooter(props: { note: boolean; busy: boolean; error: string | null; canSend: boolean; children: ReactNode }) {
  return (
    <div className="composer-footer">
      {props.children}
      <div className="composer-actions">
        {props.error && (
          <span className="form-error" role="alert">
            {props.error}
          </span>
        )}
        <button type="submit" className={`button ${props.note ? 'note-button' : 'primary'}`} disabled={props.busy || !props.canSend}>
          {props.busy ? 'Sending…' : props.note ? 'Add note' : 'Send'}
        </button>
      </div>
    </div>
  );
}
