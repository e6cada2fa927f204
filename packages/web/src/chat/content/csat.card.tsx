/**
 * After an agent resolves the conversation: how was it? One tap, 1 to 5. The card asks Parley
 * whether the survey was rated, so after a reload or on another device a rated survey shows its
 * rating instead of buttons that would only answer "already rated".
 */
import type { ContentOf } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { ApiError, describeError } from '../../api/http.client';
import { answerCsat, fetchCsat } from '../../api/inbox.api';
import './person.cards.css';

const ratingWords = ['', 'Very poor', 'Poor', 'OK', 'Good', 'Excellent'] as const;

/** `undefined` while the card asks; `null` when not rated yet. */
type Rating = number | null | undefined;

export function CsatSurveyCard(props: { content: ContentOf<'csat_survey'>; conversationId: string | null }) {
  const { surveyId, text } = props.content;
  const { conversationId } = props;
  const [rating, setRating] = useState<Rating>(conversationId ? undefined : null);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!conversationId) return;
    let live = true;
    fetchCsat(conversationId, surveyId)
      .then((view) => live && setRating(view.rating))
      // Not known (offline): offer the buttons; a second answer is refused and then read back.
      .catch(() => live && setRating(null));
    return () => {
      live = false;
    };
  }, [conversationId, surveyId]);

  const rate = async (value: number): Promise<void> => {
    if (!conversationId) return;
    setBusy(value);
    setError(null);
    try {
      await answerCsat(conversationId, surveyId, value);
      setRating(value);
    } catch (failure) {
      // Rated on another device meanwhile: show that rating.
      if (failure instanceof ApiError && failure.status === 409) setRating((await fetchCsat(conversationId, surveyId).catch(() => null))?.rating ?? null);
      else setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  };
  const rated = typeof rating === 'number';
  return (
    <div className="person-card csat-card" data-state={rated ? 'rated' : 'open'}>
      <p className="person-card-text">{text}</p>
      {rated ? (
        <p className="person-card-result" role="status">
          You rated {rating}/5 ({ratingWords[rating]}). Thank you.
        </p>
      ) : (
        <div className="csat-scale" role="group" aria-label="Rate from 1 (very poor) to 5 (excellent)">
          {[1, 2, 3, 4, 5].map((value) => (
            <button
              key={value}
              type="button"
              className="csat-option"
              disabled={busy !== null || rating === undefined || !conversationId}
              onClick={() => void rate(value)}
              aria-label={`${value} out of 5, ${ratingWords[value]}`}
            >
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
