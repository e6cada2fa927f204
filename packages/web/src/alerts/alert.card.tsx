/**
 * An alert from a bank in its conversation: the headline, the facts, and the bank's actions as
 * buttons. The answer shown is the `alert_answer` message Parley wrote, so every device of the
 * person shows the same one; until it arrives, the answer this device just sent.
 */
import type { AlertAction, AlertAnswer, AlertAnswerContent, ContentOf } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { answerAlert, confirmWithPasskey } from '../api/alerts.api';
import { ApiError, describeError } from '../api/http.client';
import { useChatState } from '../live/chat.context';
import { AlertIcon, CheckIcon, ClockIcon, KeyIcon } from '../ui/icons';
import { AlertFactsList } from './alert.facts';
import { alertKindWords, formatWhen } from './alert.words';
import './alerts.css';

/** Re-render once `at` passes (an alert expiring while it is on screen). */
function useNow(at: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const wait = at - Date.now();
    if (wait <= 0) return;
    // setTimeout takes at most 2^31-1 ms; an alert lasts at most 7 days, so one timer is enough.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(wait + 50, 2_147_483_647));
    return () => clearTimeout(timer);
  }, [at]);
  return now;
}

function useAnswerMessage(conversationId: string | null, alertId: string): AlertAnswerContent | null {
  const state = useChatState();
  const messages = conversationId ? (state.threads[conversationId]?.messages ?? []) : [];
  for (const message of messages) {
    if (message.content.contentType === 'alert_answer' && message.content.alertId === alertId) return message.content;
  }
  return null;
}

/** What a refused answer means to the person: Parley's sentence, and for a step-up refusal that the bank heard nothing. */
function refusalWords(failure: unknown): string {
  if (!(failure instanceof ApiError)) return describeError(failure);
  if (failure.code === 'ERR_ALERT_ANSWERED') return 'This alert was already answered, perhaps on another of your devices. Your bank acts on the first answer.';
  return failure.code.startsWith('ERR_STEP_UP') || failure.code === 'ERR_CHALLENGE_EXPIRED' ? `${failure.message} Nothing was sent to your bank.` : failure.message;
}

export function AlertCard(props: { content: ContentOf<'alert'>; conversationId: string | null }) {
  const { content } = props;
  const stored = useAnswerMessage(props.conversationId, content.alertId);
  const [sent, setSent] = useState<AlertAnswer | null>(null);
  const [closed, setClosed] = useState(false);
  const now = useNow(content.expiresAt);
  const answer = stored ?? sent;
  const expired = !answer && (closed || now >= content.expiresAt);
  return (
    <article className="alert-card" data-kind={content.kind} data-state={answer ? 'answered' : expired ? 'expired' : 'open'} aria-label={`Alert: ${content.headline}`}>
      <p className="alert-kind">
        <AlertIcon />
        {alertKindWords[content.kind].title}
      </p>
      <p className="alert-headline">{content.headline}</p>
      <AlertFactsList facts={content.facts} />
      {answer ? (
        <AnswerLine answer={answer} />
      ) : expired ? (
        <p className="alert-status expired">
          <ClockIcon />
          <span>This alert expired at {formatWhen(content.expiresAt)} and can no longer be answered.</span>
        </p>
      ) : (
        <AlertActions content={content} onAnswered={setSent} onExpired={() => setClosed(true)} />
      )}
    </article>
  );
}

/** The bank's actions as buttons; a tap answers, after the passkey for an action that requires it. */
function AlertActions(props: { content: ContentOf<'alert'>; onAnswered(answer: AlertAnswer): void; onExpired(): void }) {
  const { content } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const choose = async (action: AlertAction): Promise<void> => {
    setBusy(action.id);
    setError(null);
    try {
      const stepUp = action.requiresStepUp ? await confirmWithPasskey({ kind: 'alert', alertId: content.alertId, actionId: action.id }) : undefined;
      const result = await answerAlert(content.alertId, stepUp ? { actionId: action.id, stepUp } : { actionId: action.id });
      props.onAnswered(result.answer);
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'ERR_ALERT_EXPIRED') props.onExpired();
      else setError(refusalWords(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <ul className="alert-actions" aria-label="Answers">
        {content.actions.map((action) => (
          <li key={action.id}>
            <button type="button" className={`button ${buttonStyle[action.style]}`} disabled={busy !== null} onClick={() => void choose(action)}>
              {action.requiresStepUp && <KeyIcon />}
              {busy === action.id ? (action.requiresStepUp ? 'Waiting for your passkey…' : 'Sending…') : action.label}
              {action.requiresStepUp && <span className="sr-only"> (asks for your passkey)</span>}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p className="alert-footnote">
        Answer by {formatWhen(content.expiresAt)}.{stepUpNote(content.actions)}
      </p>
    </>
  );
}

/** " “No, lock my card” asks for your passkey." for the actions that need it, or nothing. */
function stepUpNote(actions: readonly AlertAction[]): string {
  const labels = actions.filter((action) => action.requiresStepUp).map((action) => `“${action.label}”`);
  if (labels.length === 0) return '';
  return ` ${labels.join(' and ')} ${labels.length === 1 ? 'asks' : 'ask'} for your passkey.`;
}

const buttonStyle: Record<AlertAction['style'], string> = { primary: 'primary', secondary: '', danger: 'danger' };

function AnswerLine(props: { answer: Pick<AlertAnswer, 'label' | 'answeredAt' | 'steppedUp'> }) {
  const { answer } = props;
  return (
    <p className="alert-status answered" role="status">
      <span className="alert-status-icon">
        <CheckIcon />
      </span>
      <span>
        You answered <strong>“{answer.label}”</strong> at {formatWhen(answer.answeredAt)}
        {answer.steppedUp ? ', confirmed with your passkey.' : '.'}
      </span>
    </p>
  );
}

/** The `alert_answer` message itself: one quiet line in the conversation (the card above shows it too). */
export function AlertAnswerNote(props: { content: ContentOf<'alert_answer'> }) {
  const { content } = props;
  return (
    <p className="alert-answer-note">
      You answered “{content.label}”{content.steppedUp ? ' with your passkey' : ''}.
    </p>
  );
}
