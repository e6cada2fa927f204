/** One bank's alert switches, one per kind, saved as the person flips each. */
import type { AlertBusinessPreferences, AlertKind } from '@parley/protocol';
import { useId, useState } from 'react';
import { updateAlertPreferences } from '../api/alerts.api';
import { describeError } from '../api/http.client';
import { SwitchFeedback, SwitchRow } from '../ui/switch.row';
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
        {offeredKinds.map((kind) => (
          <SwitchRow
            key={kind}
            id={`${id}-${kind}`}
            title={alertKindWords[kind].title}
            description={alertKindWords[kind].description}
            checked={kinds[kind]}
            disabled={saving !== null}
            onFlip={(on) => void flip(kind, on)}
          />
        ))}
      </ul>
      <SwitchFeedback error={error} said={said} />
    </>
  );
}
