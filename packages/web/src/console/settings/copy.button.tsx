/** Copies a secret to the clipboard and says so, for a moment. */
import { useEffect, useState } from 'react';

export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () => {
    navigator.clipboard
      .writeText(props.text)
      .then(() => setState('copied'))
      .catch(() => setState('failed'));
  };
  return (
    <button type="button" className="button small" onClick={copy} aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy it' : props.label}
    </button>
  );
}
