/**
 * A postback button or quick reply the bank marked `requiresStepUp` (unlock a card): the person
 * confirms with their passkey, bound to this message and payload, and the tap goes to Parley over
 * HTTP with the assertion (a plain tap over the socket would be refused without one).
 */
import { useState } from 'react';
import { confirmWithPasskey, postbackWithStepUp } from '../api/alerts.api';
import { describeError } from '../api/http.client';
import { newClientId } from '../live/outbox';
import { KeyIcon } from '../ui/icons';

export interface StepUpChoice {
  readonly conversationId: string;
  /** The message that offered the choice. */
  readonly seq: number;
  readonly title: string;
  readonly payload: string;
}

/** Confirm with the passkey, then send the tap. Throws an ApiError with the sentence to show. */
export async function sendStepUpChoice(choice: StepUpChoice): Promise<void> {
  const stepUp = await confirmWithPasskey({ kind: 'postback', conversationId: choice.conversationId, seq: choice.seq, payload: choice.payload });
  await postbackWithStepUp(choice.conversationId, { clientId: newClientId(), seq: choice.seq, title: choice.title, payload: choice.payload, stepUp });
}

export function StepUpButton(props: { choice: StepUpChoice | null; title: string; className: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { choice } = props;
  const tap = async (): Promise<void> => {
    if (!choice) return;
    setBusy(true);
    setError(null);
    try {
      await sendStepUpChoice(choice);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={props.className} disabled={!choice || busy} onClick={() => void tap()}>
        <KeyIcon />
        {busy ? 'Waiting for your passkey…' : props.title}
        <span className="sr-only"> (asks for your passkey)</span>
      </button>
      {error && (
        <p className="form-error step-up-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
