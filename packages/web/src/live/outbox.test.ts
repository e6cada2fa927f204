import { ClientId } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { reconnectDelay, longestRetryMs } from './backoff';
import { newClientId, Outbox, type OutboxStorage } from './outbox';

function memoryStorage(): OutboxStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

describe('outbox', () => {
  it('makes client ids the server accepts, all different', () => {
    const ids = new Set(Array.from({ length: 200 }, newClientId));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(new RegExp(ClientId.pattern ?? ''));
      expect(id.length).toBeGreaterThanOrEqual(ClientId.minLength ?? 0);
      expect(id.length).toBeLessThanOrEqual(ClientId.maxLength ?? Infinity);
    }
  });

  it('makes UUIDv7 client ids that sort in the order they were made', () => {
    const earlier = newClientId(Date.UTC(2026, 10, 22, 12, 0, 0, 0));
    const later = newClientId(Date.UTC(2026, 10, 22, 12, 0, 0, 1));
    const muchLater = newClientId(Date.UTC(2031, 0, 1));
    for (const id of [earlier, later, muchLater]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([muchLater, later, earlier].sort()).toEqual([earlier, later, muchLater]);
    // The first 48 bits are the milliseconds.
    expect(Number.parseInt(earlier.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 22, 12, 0, 0, 0));
  });

  it('keeps unacknowledged sends, with their client ids, across a reload of the tab', () => {
    const storage = memoryStorage();
    const first = new Outbox(storage, 'parley.outbox.p1');
    const a = first.add('c1', { contentType: 'text', text: 'a' }, 1);
    const b = first.add('c1', { contentType: 'text', text: 'b' }, 2);
    first.remove(a.clientId);
    first.fail(b.clientId, 'Refused');
    const reloaded = new Outbox(storage, 'parley.outbox.p1');
    expect(reloaded.all.map((item) => [item.clientId, item.state])).toEqual([[b.clientId, 'failed']]);
    expect(reloaded.toSend).toEqual([]);
    expect(reloaded.retry(b.clientId)?.clientId).toBe(b.clientId);
    expect(reloaded.toSend.map((item) => item.clientId)).toEqual([b.clientId]);
    reloaded.clear();
    expect(storage.data.size).toBe(0);
  });
});

describe('reconnect backoff', () => {
  it('grows, stays under the cap, and never waits zero', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(3, () => 1)).toBe(4_000);
    for (let attempt = 0; attempt < 40; attempt++) {
      const delay = reconnectDelay(attempt, Math.random);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(longestRetryMs);
    }
  });
});
