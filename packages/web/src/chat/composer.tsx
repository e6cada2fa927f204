import { maxTextLength } from '@parley/protocol';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { SendIcon } from '../ui/icons';
import { useTypingSignal } from './typing.signal';

/** Drafts survive switching conversations (not reloads: they may hold something private). */
const drafts = new Map<string, string>();
const counterFrom = maxTextLength - 500;
const tallestPx = 160;

export interface ComposerProps {
  conversationId: string;
  businessName: string;
  autoFocus: boolean;
  onSend(text: string): void;
  onTyping(state: 'start' | 'stop'): void;
}

export function Composer(props: ComposerProps) {
  const { conversationId } = props;
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(props.onTyping);

  useEffect(() => {
    if (props.autoFocus) input.current?.focus();
  }, [props.autoFocus]);
  useAutoGrow(input, text);

  const change = (value: string): void => {
    setText(value);
    drafts.set(conversationId, value);
    typing.changed(value.trim() !== '');
  };
  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    const message = text.trim();
    if (!message) return;
    props.onSend(message);
    typing.stopped();
    setText('');
    drafts.delete(conversationId);
    input.current?.focus();
  };
  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  const inputId = `composer-${conversationId}`;
  const counted = text.length > counterFrom;
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={inputId} className="sr-only">
        Message to {props.businessName}
      </label>
      <textarea
        id={inputId}
        ref={input}
        rows={1}
        value={text}
        maxLength={maxTextLength}
        placeholder="Write a message"
        autoComplete="off"
        onChange={(event) => change(event.target.value)}
        onKeyDown={keyDown}
        onBlur={typing.stopped}
        aria-describedby={counted ? `${inputId}-count` : undefined}
      />
      {counted && (
        <span id={`${inputId}-count`} className="char-count">
          {maxTextLength - text.length} characters left
        </span>
      )}
      <button type="submit" className="send-button" disabled={!text.trim()}>
        <span className="sr-only">Send</span>
        <SendIcon />
      </button>
    </form>
  );
}

/** The field grows with its text, up to a few lines, then scrolls. */
function useAutoGrow(input: RefObject<HTMLTextAreaElement | null>, text: string): void {
  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, tallestPx)}px`;
  }, [input, text]);
}
