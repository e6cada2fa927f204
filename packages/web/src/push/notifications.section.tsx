import type { PushDevice } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/http.client';
import { listPushDevices, removePushDevice } from '../api/push.api';
import { formatDateTime } from '../ui/format';
import { disablePushHere, enablePushHere, PushSetupError, pushSupport, thisDeviceId } from './device.push';

/**
 * Notifications on the person's devices: alerts they turned on reach a device by Web Push when
 * Parley is not open there. One switch for this device, and the list of all of them.
 */
export function NotificationsSection() {
  const [devices, setDevices] = useState<PushDevice[] | null>(null);
  const [here, setHere] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [list, id] = await Promise.all([listPushDevices(), thisDeviceId()]);
      setDevices(list);
      setHere(id && list.some((device) => device.id === id) ? id : null);
    } catch (failure) {
      setError(describeError(failure));
    }
  }, []);
  useEffect(() => void load(), [load]);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await load();
    } catch (failure) {
      // The browser's own refusals (permission, push service out of reach) carry our sentence.
      setError(failure instanceof PushSetupError ? failure.message : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p className="muted">
        When an alert you turned on arrives and Parley is not open, your device can show it as a notification. Parley encrypts it for your device; your browser's
        push service passes it on without being able to read it.
      </p>
      <ThisDevice here={here} busy={busy} onEnable={() => void act(enablePushHere)} onDisable={() => void act(disablePushHere)} />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {devices && devices.length > 0 && (
        <ul className="item-list" aria-label="Devices that get notifications">
          {devices.map((device) => (
            <li key={device.id} className="item">
              <span className="item-body">
                <span className="item-title">
                  {device.deviceName}
                  {device.id === here ? ' (this device)' : ''}
                </span>
                <span className="muted small">
                  Added {formatDateTime(device.createdAt)}
                  {device.lastDeliveredAt ? ` · last notified ${formatDateTime(device.lastDeliveredAt)}` : ' · not notified yet'}
                </span>
              </span>
              <button type="button" className="button small" disabled={busy} onClick={() => void act(() => (device.id === here ? disablePushHere() : removePushDevice(device.id)))}>
                Remove<span className="sr-only"> {device.deviceName}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ThisDevice(props: { here: string | null; busy: boolean; onEnable(): void; onDisable(): void }) {
  const support = pushSupport();
  if (support === 'unsupported') return <p className="notice info">This browser cannot show notifications from websites.</p>;
  if (support === 'blocked') return <p className="notice info">Notifications are blocked for Parley in this browser. Allow them in the site settings to get alerts here.</p>;
  return props.here ? (
    <button type="button" className="button" disabled={props.busy} onClick={props.onDisable}>
      Turn off notifications on this device
    </button>
  ) : (
    <button type="button" className="button primary" disabled={props.busy} onClick={props.onEnable}>
      {props.busy ? 'Asking your browser…' : 'Turn on notifications on this device'}
    </button>
  );
}
