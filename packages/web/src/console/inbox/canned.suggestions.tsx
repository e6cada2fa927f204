/** Saved replies offered while the agent types `/` and the start of a shortcut; ↑/↓ choose, Enter or Tab use one. */
import type { CannedResponse } from '@parley/protocol';
import { useMemo, useState, type KeyboardEvent } from 'react';

const shown = 6;

export interface Suggestions {
  readonly items: readonly CannedResponse[];
  readonly highlight: number;
  pick(canned: CannedResponse): void;
  /** Handles the keys that move through or pick a suggestion; true when it did. */
  keyDown(event: KeyboardEvent): boolean;
}

export function useCannedSuggestions(text: string, canned: readonly CannedResponse[], onPick: (canned: CannedResponse) => void): Suggestions {
  const shortcut = /^\/[a-z0-9_-]*$/.test(text) ? text.slice(1) : null;
  const items = useMemo(() => (shortcut === null ? [] : canned.filter((c) => c.shortcut.startsWith(shortcut)).slice(0, shown)), [shortcut, canned]);
  const [chosen, setChosen] = useState(0);
  const highlight = Math.min(chosen, Math.max(items.length - 1, 0));
  const keyDown = (event: KeyboardEvent): boolean => {
    if (items.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setChosen((highlight + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
      return true;
    }
    const picked = items[highlight];
    if ((event.key === 'Tab' || event.key === 'Enter') && picked) {
      event.preventDefault();
      setChosen(0);
      onPick(picked);
      return true;
    }
    return false;
  };
  return { items, highlight, pick: onPick, keyDown };
}

export function CannedSuggestions(props: { suggestions: Suggestions }) {
  const { items, highlight, pick } = props.suggestions;
  if (items.length === 0) return null;
  return (
    <ul className="canned-suggestions" role="listbox" aria-label="Saved replies">
      {items.map((canned, index) => (
        <li key={canned.id} role="option" aria-selected={index === highlight}>
          {/* mousedown would take focus from the composer before the click lands */}
          <button type="button" onMouseDown={(event) => event.preventDefault()} onClick={() => pick(canned)}>
            <code>/{canned.shortcut}</code> <span>{canned.text}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
