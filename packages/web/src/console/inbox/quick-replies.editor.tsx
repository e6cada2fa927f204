/** The quick replies under an agent's reply: chips to remove, a field to add (Enter). */
import { maxChoiceTitleLength, maxQuickReplies, type QuickReply } from '@parley/protocol';
import { useState } from 'react';

export function QuickRepliesEditor(props: { quickReplies: readonly QuickReply[]; onChange(next: QuickReply[]): void }) {
  const { quickReplies, onChange } = props;
  const [title, setTitle] = useState('');
  const add = (): void => {
    const chip = title.trim().slice(0, maxChoiceTitleLength);
    if (!chip || quickReplies.length >= maxQuickReplies || quickReplies.some((q) => q.title === chip)) return;
    // The payload tells the bank's bot this choice came from an agent's message, not its own.
    onChange([...quickReplies, { title: chip, payload: `AGENT:${chip}` }]);
    setTitle('');
  };
  return (
    <div className="composer-choices">
      {quickReplies.map((reply) => (
        <span key={reply.title} className="choice-chip">
          {reply.title}
          <button type="button" aria-label={`Remove quick reply ${reply.title}`} onClick={() => onChange(quickReplies.filter((q) => q !== reply))}>
            ×
          </button>
        </span>
      ))}
      <input
        className="choice-input"
        aria-label="Add a quick reply"
        placeholder="+ Quick reply"
        value={title}
        maxLength={maxChoiceTitleLength}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            add();
          }
        }}
      />
    </div>
  );
}
