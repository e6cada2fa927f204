import { buttonUrlPattern, type Button, type ContentOf, type Message } from '@parley/protocol';
import { StepUpButton } from '../../alerts/step-up.choice';
import { useChatState, useChatStore } from '../../live/chat.context';

export interface Choice {
  readonly title: string;
  readonly payload: string;
}

const ExternalIcon = () => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
  </svg>
);

/** Text with up to three buttons: postbacks send the person's choice, links open the bank's page in a new tab. */
export function ButtonsMessage(props: { content: ContentOf<'buttons'>; conversationId: string | null }) {
  const store = useChatStore();
  const state = useChatState();
  const { conversationId } = props;
  const choose = conversationId ? (choice: Choice) => store.postback(conversationId, choice) : null;
  // The seq of the message that offers the buttons: a passkey confirmation is bound to it.
  const seq = conversationId ? state.threads[conversationId]?.messages.find((message) => message.content === props.content)?.seq : undefined;
  return (
    <div className="buttons-message">
      <p className="message-text">{props.content.text}</p>
      <ul className="message-buttons">
        {props.content.buttons.map((button, index) => (
          <li key={index}>
            {button.type === 'postback' && button.requiresStepUp ? (
              <StepUpButton
                className="message-button"
                title={button.title}
                choice={conversationId && seq !== undefined ? { conversationId, seq, title: button.title, payload: button.payload } : null}
              />
            ) : (
              <MessageButton button={button} onChoose={choose} />
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

const openableUrl = new RegExp(buttonUrlPattern);

function MessageButton(props: { button: Button; onChoose: ((choice: Choice) => void) | null }) {
  const { button, onChoose } = props;
  if (button.type === 'postback') {
    return (
      <button type="button" className="message-button" disabled={!onChoose} onClick={() => onChoose?.({ title: button.title, payload: button.payload })}>
        {button.title}
      </button>
    );
  }
  // The server accepts only https (and http on localhost, for development); an old or foreign message with anything else gets no link.
  if (!openableUrl.test(button.url)) return <span className="message-button disabled">{button.title}</span>;
  return (
    <a className="message-button" href={button.url} target="_blank" rel="noopener noreferrer">
      {button.title}
      <ExternalIcon />
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  );
}

/**
 * The quick replies of the newest message, as chips under it. Tapping one sends a postback with
 * its title and payload; once the conversation moves on (the tap itself, or any new message),
 * the chips go away, as a question answered.
 */
export function QuickReplyChips(props: { message: Message }) {
  const store = useChatStore();
  const state = useChatState();
  const { message } = props;
  if (message.content.contentType !== 'quick_replies' || message.sender !== 'business') return null;
  const newest = state.threads[message.conversationId]?.messages.at(-1)?.seq === message.seq;
  const answering = state.pending.some((pending) => pending.conversationId === message.conversationId);
  if (!newest || answering) return null;
  return (
    <ul className="quick-replies" aria-label="Quick replies">
      {message.content.quickReplies.map((reply, index) => (
        <li key={index}>
          {reply.requiresStepUp ? (
            <StepUpButton className="quick-reply" title={reply.title} choice={{ conversationId: message.conversationId, seq: message.seq, title: reply.title, payload: reply.payload }} />
          ) : (
            <button
              type="button"
              className="quick-reply"
              onClick={(event) => {
                // The chips go away with the tap: keep keyboard focus in the conversation, not on the page.
                const region = event.currentTarget.closest<HTMLElement>('[role="region"]');
                store.postback(message.conversationId, { title: reply.title, payload: reply.payload });
                region?.focus({ preventScroll: true });
              }}
            >
              {reply.title}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
