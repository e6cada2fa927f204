/**
 * A bank's agent asks the person to reveal one field (the last four digits of an account, a
 * balance…). One tap approves or declines; nothing is shared until the person approves, and an
 * approved reveal is written to their access log (the Privacy Center says so).
 */
import type { ContentOf } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../../api/http.client';
import { decideReveal, fetchReveal } from '../../api/inbox.api';
import { CheckIcon, ShieldIcon } from '../../ui/icons';
import './person.cards.css';

type Answer = 'pending' | 'approved' | 'declined' | 'failed';

const answerText: Record<Exclude<Answer, 'pending'>, string> = {
  approved: 'You shared it. It is in your access log in the Privacy Center.',
  declined: 'You declined. Nothing was shared.',
  failed: 'It could not be shared (your bank link may have ended). Nothing was shown to the agent.',
};

export function RevealRequestCard(props: { content: ContentOf<'reveal_request'> }) {
  const { requestId, text } = props.content;
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [busy, setBusy] = useState<'approve' | 'decline' | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetchReveal(requestId)
      .then((view) => live && setAnswer(asAnswer(view.status)))
      .catch(() => live && setAnswer('pending'));
    return () => {
      live = false;
    };
  }, [requestId]);

  const decide = async (decision: 'approve' | 'decline'): Promise<void> => {
    setBusy(decision);
    setError(null);
    try {
      const view = (await decideReveal(requestId, decision)) as { status?: string } | undefined;
      setAnswer(asAnswer(view?.status) === 'pending' ? (decision === 'approve' ? 'approved' : 'declined') : asAnswer(view?.status));
    } catch (failure) {
      // Answered on another device already: show where it stands.
      if (failure instanceof ApiError && failure.status === 409) setAnswer(asAnswer((await fetchReveal(requestId).catch(() => null))?.status));
      else setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="person-card reveal-card" data-state={answer ?? 'pending'}>
      <p className="person-card-kicker">
        <ShieldIcon />
        Request to see your data
      </p>
      <p className="person-card-text">{text}</p>
      {answer === 'pending' || answer === null ? (
        <RevealChoices busy={busy} ready={answer !== null} onDecide={(decision) => void decide(decision)} />
      ) : (
        <p className="person-card-result" role="status">
          {answer === 'approved' && <CheckIcon />}
          {answerText[answer]}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function RevealChoices(props: { busy: 'approve' | 'decline' | null; ready: boolean; onDecide(decision: 'approve' | 'decline'): void }) {
  const off = props.busy !== null || !props.ready;
  return (
    <>
      <div className="person-card-actions">
        <button type="button" className="button primary" disabled={off} onClick={() => props.onDecide('approve')}>
          {props.busy === 'approve' ? 'Sharing…' : 'Approve'}
        </button>
        <button type="button" className="button" disabled={off} onClick={() => props.onDecide('decline')}>
          {props.busy === 'decline' ? 'Declining…' : 'Decline'}
        </button>
      </div>
      <p className="person-card-note">Only this one field, only for this conversation. You can say no.</p>
    </>
  );
}

function asAnswer(status: string | undefined): Answer {
  return status === 'approved' || status === 'declined' || status === 'failed' ? status : 'pending';
}
