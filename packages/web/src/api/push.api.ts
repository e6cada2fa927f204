/** This device's Web Push subscription with Parley (docs/alerts.md, "On your devices"). */
import type { PushDevice, PushDeviceList, PushKey, PushSubscriptionBody } from '@parley/protocol';
import { request } from './http.client';

export function fetchPushKey(): Promise<PushKey> {
  return request<PushKey>('GET', '/v1/push/key');
}

export async function listPushDevices(): Promise<PushDevice[]> {
  return (await request<PushDeviceList>('GET', '/v1/push/devices')).devices;
}

export function addPushDevice(body: PushSubscriptionBody): Promise<PushDevice> {
  return request<PushDevice>('POST', '/v1/push/devices', { body });
}

export function removePushDevice(deviceId: string): Promise<unknown> {
  return request<unknown>('DELETE', `/v1/push/devices/${encodeURIComponent(deviceId)}`);
}
