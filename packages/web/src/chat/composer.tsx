import { maxTextLength } from '@parley/protocol';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

/** Drafts survive switching conversations (not reloads: they may hold something private). */
const drafts = new Map<string, string>();
/** Say "typing" again at most this often, and "stopped" after this long without a key. */
const typingRepeatMs = 3_000;
const typingIdleMs = 4_000;
const counterFrom = maxTextLength - 500;

export interface ComposerProps {
  conversationId: string;
  businessName: string;
  autoFocus: boolean;
  onSend(text: string): void;
  onTyping(state: 'start' | 'stop'): void;
}

export function Composer(props: ComposerProps) {
  const { conversationId, onTyping } = props;
  const [text, setText] = useState(() => drafts.get(conversationId) ?? '');
  const input = useRef<HTMLTextAreaElement>(null);
  const typing = useRef({ saidAt: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined });

  useEffect(() => {
    if (props.autoFocus) input.current?.focus();
  }, [props.autoFocus]);

  useEffect(() => {
    const state = typing.current;
    return () => {
      clearTimeout(state.idle);
      if (state.saidAt) onTyping('stop');
    };
  }, [onTyping]);

  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 160)}px`;
  }, [text]);

  const stopTyping = (): void => {
    clearTimeout(typing.current.idle);
    if (typing.current.saidAt) onTyping('stop');
    typing.current.saidAt = 0;
  };

  const change = (value: string): void => {
    setText(value);
    drafts.set(conversationId, value);
    if (!value.trim()) return stopTyping();
    const now = Date.now();
    if (now - typing.current.saidAt > typingRepeatMs) {
      onTyping('start');
      typing.current.saidAt = now;
    }
    clearTimeout(typing.current.idle);
    typing.current.idle = setTimeout(stopTyping, typingIdleMs);
  };

  const submit = (event?: FormEvent): void => {
    event?.preventDefault();
    const message = text.trim();
    if (!message) return;
    props.onSend(message);
    stopTyping();
    setText('');
    drafts.delete(conversationId);
    input.current?.focus();
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };

  const inputId = `composer-${conversationId}`;
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
        onBlur={stopTyping}
        aria-describedby={text.length > counterFrom ? `${inputId}-count` : undefined}
      />
      {text.length > counterFrom && (
        <span id={`${inputId}-count`} className="char-count">
          {maxTextLength - text.length} characters left
        </span>
      )}
      <button type="submit" className="send-button" disabled={!text.trim()}>
        <span className="sr-only">Send</span>
        <SendGlyph />
      </button>
    </form>
  );
}

function SendGlyph() {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6l-.01 6.53L15 12 3.39 13.87z" />
    </svg>
  );
}
