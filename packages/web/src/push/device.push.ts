/**
 * This browser's side of Web Push: the service worker (public/sw.js), the subscription with the
 * browser's push service, and telling Parley where to send. Parley encrypts every notification
 * to this device's key, so the push service carries only ciphertext.
 */
import type { PushDevice } from '@parley/protocol';
import { addPushDevice, fetchPushKey, removePushDevice } from '../api/push.api';

export type PushSupport = 'supported' | 'unsupported' | 'blocked';

/** Why this browser could not be set up for notifications, in words for the person. */
export class PushSetupError extends Error {
  override name = 'PushSetupError';
}

/** Where this browser remembers which of the person's devices it is. */
const deviceIdKey = 'parley.push.deviceId';

export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  return Notification.permission === 'denied' ? 'blocked' : 'supported';
}

/** Parley's id for this browser's subscription, when it has one that is still live. */
export async function thisDeviceId(): Promise<string | null> {
  if (pushSupport() === 'unsupported') return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  const subscription = await registration?.pushManager.getSubscription();
  return subscription ? localStorage.getItem(deviceIdKey) : null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
}

/** Ask for permission, subscribe with the browser's push service, and register the device with Parley. */
export async function enablePushHere(): Promise<PushDevice> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new PushSetupError('Notifications are blocked for Parley in this browser. Allow them in the site settings, then try again.');
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const { publicKey } = await fetchPushKey();
  let subscription: PushSubscription;
  try {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch {
    throw new PushSetupError("This browser could not reach its push service, so notifications can't be turned on right now. Check the connection and try again.");
  }
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new PushSetupError('This browser gave an incomplete subscription; notifications are not available here.');
  const device = await addPushDevice({ endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } });
  localStorage.setItem(deviceIdKey, device.id);
  return device;
}

/** Stop notifications here: unsubscribe from the push service and forget the device at Parley. */
export async function disablePushHere(): Promise<void> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
  const deviceId = localStorage.getItem(deviceIdKey);
  localStorage.removeItem(deviceIdKey);
  if (deviceId) await removePushDevice(deviceId).catch(() => undefined);
}
