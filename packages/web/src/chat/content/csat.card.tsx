/** After an agent resolves the conversation: how was it? One tap, 1 to 5. */
import type { ContentOf } from '@parley/protocol';
import { useState } from 'react';
import { ApiError, describeError } from '../../api/http.client';
import { answerCsat } from '../../api/inbox.api';
import './person.cards.css';

const ratingWords = ['', 'Very poor', 'Poor', 'OK', 'Good', 'Excellent'] as const;
const answered = new Map<string, number>();

export function CsatSurveyCard(props: { content: ContentOf<'csat_survey'>; conversationId: string | null }) {
  const { surveyId, text } = props.content;
  const [rating, setRating] = useState<number | null>(() => answered.get(surveyId) ?? null);
  const [already, setAlready] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rate = async (value: number): Promise<void> => {
    if (!props.conversationId) return;
    setBusy(value);
    setError(null);
    try {
      await answerCsat(props.conversationId, surveyId, value);
      answered.set(surveyId, value);
      setRating(value);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) setAlready(true);
      else setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="person-card csat-card">
      <p className="person-card-text">{text}</p>
      {rating !== null || already ? (
        <p className="person-card-result" role="status">
          {rating !== null ? `Thank you — you rated ${rating} out of 5.` : 'You already rated this conversation. Thank you.'}
        </p>
      ) : (
        <div className="csat-scale" role="group" aria-label="Rate from 1 (very poor) to 5 (excellent)">
          {[1, 2, 3, 4, 5].map((value) => (
            <button key={value} type="button" className="csat-option" disabled={busy !== null || !props.conversationId} onClick={() => void rate(value)} aria-label={`${value} out of 5, ${ratingWords[value]}`}>
              <span className="csat-number" aria-hidden="true">
                {value}
              </span>
              <span className="csat-word" aria-hidden="true">
                {ratingWords[value]}
              </span>
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
