/** One bank's alert switches, one per kind, saved as the person flips each. */
import type { AlertBusinessPreferences, AlertKind } from '@parley/protocol';
import { useId, useState } from 'react';
import { updateAlertPreferences } from '../api/alerts.api';
import { describeError } from '../api/http.client';
import { alertKindWords, offeredKinds } from './alert.words';

export function AlertSwitches(props: { preferences: AlertBusinessPreferences; onSaved?(preferences: AlertBusinessPreferences): void }) {
  const [kinds, setKinds] = useState(props.preferences.kinds);
  const [saving, setSaving] = useState<AlertKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const id = useId();
  const { businessId, name } = props.preferences;

  const flip = async (kind: AlertKind, on: boolean): Promise<void> => {
    const before = kinds;
    setKinds({ ...kinds, [kind]: on });
    setSaving(kind);
    setError(null);
    try {
      const saved = await updateAlertPreferences(businessId, { [kind]: on });
      setKinds(saved.kinds);
      setSaid(`${alertKindWords[kind].title} from ${name}: ${on ? 'on' : 'off'}.`);
      props.onSaved?.(saved);
    } catch (failure) {
      // Not saved: show the switch as it really is.
      setKinds(before);
      setError(describeError(failure));
    } finally {
      setSaving(null);
    }
  };

  return (
    <>
      <ul className="alert-switches" aria-label={`Alerts from ${name}`}>
        {offeredKinds.map((kind) => {
          const words = alertKindWords[kind];
          return (
            <li key={kind} className="alert-switch">
              <span className="alert-switch-text">
                <label className="alert-switch-title" htmlFor={`${id}-${kind}`}>
                  {words.title}
                </label>
                <span className="alert-switch-description" id={`${id}-${kind}-description`}>
                  {words.description}
                </span>
              </span>
              <input
                type="checkbox"
                role="switch"
                className="switch-input"
                id={`${id}-${kind}`}
                aria-describedby={`${id}-${kind}-description`}
                checked={kinds[kind]}
                disabled={saving !== null}
                onChange={(event) => void flip(kind, event.currentTarget.checked)}
              />
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p className="sr-only" role="status">
        {said}
      </p>
    </>
  );
}
