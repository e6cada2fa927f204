import type { Business } from '@parley/protocol';
import { useEffect, useState } from 'react';
import { describeError } from '../api/http.client';
import { listBusinesses } from '../api/messaging.api';
import { useChatState, useChatStore } from '../live/chat.context';
import { navigate } from '../router';
import { Avatar } from '../ui/avatar';

/** The businesses a person may write to. A bank cannot start a conversation; the person does, here. */
export function StartConversation() {
  const [businesses, setBusinesses] = useState<Business[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const { conversations } = useChatState();
  const store = useChatStore();

  useEffect(() => {
    listBusinesses()
      .then(setBusinesses)
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);

  const start = async (business: Business): Promise<void> => {
    setOpening(business.id);
    setError(null);
    try {
      const conversation = await store.startConversation(business.id);
      navigate(`/app/c/${conversation.id}`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setOpening(null);
    }
  };

  const open = new Set((conversations ?? []).map((conversation) => conversation.business.id));
  const available = (businesses ?? []).filter((business) => !open.has(business.id));
  if (businesses !== null && available.length === 0 && !error) return null;

  return (
    <section className="start-conversation" aria-labelledby="start-heading">
      <h2 id="start-heading" className="section-title">
        Start a conversation
      </h2>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {businesses === null && !error && <p className="muted pad">Loading…</p>}
      <ul className="rows">
        {available.map((business) => (
          <BusinessRow key={business.id} business={business} opening={opening} onStart={() => void start(business)} />
        ))}
      </ul>
    </section>
  );
}

function BusinessRow(props: { business: Business; opening: string | null; onStart(): void }) {
  const { business, opening } = props;
  return (
    <li className="business-row">
      <Avatar name={business.name} />
      <span className="row-body">
        <span className="row-name">{business.name}</span>
        {business.greeting && <span className="row-preview">{business.greeting}</span>}
      </span>
      <button type="button" className="button primary small" onClick={props.onStart} disabled={opening !== null} aria-label={`Message ${business.name}`}>
        {opening === business.id ? 'Opening…' : 'Message'}
      </button>
    </li>
  );
}
