import { describe, expect, it } from 'vitest';
import { ParleyClient } from './client';
import { ParleyApiError, retryAfterMs, type FetchLike } from './client.http';

// The client's retry rules against a scripted fetch; sdk-client.test.ts runs it against a real Parley.

type Scripted = { status: number; body?: string; headers?: Record<string, string> } | Error;

function scripted(answers: Scripted[]): { fetch: FetchLike; calls: { url: string; headers: Record<string, string>; body?: string }[] } {
  const calls: { url: string; headers: Record<string, string>; body?: string }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body });
    const next = answers.shift() ?? { status: 500 };
    if (next instanceof Error) throw next;
    return { status: next.status, headers: new Headers(next.headers), text: async () => next.body ?? '' };
  };
  return { fetch, calls };
}

const sent = { conversationId: '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c', seq: 3, sentAt: 1 };
const message = { bsid: 'bsid_abcdefgh', messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Hi' } } as const;

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Sun, 22 Nov 2026 04:00:05 GMT', Date.UTC(2026, 10, 22, 4, 0, 0))).toBe(5000);
    expect(retryAfterMs('Sun, 22 Nov 2026 04:00:05 GMT', Date.UTC(2026, 10, 22, 5, 0, 0))).toBe(0);
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});

describe('ParleyClient with an injected fetch', () => {
  it('sends the key as a Bearer token and the body Parley expects, to the base URL without a doubled slash', async () => {
    const { fetch, calls } = scripted([{ status: 201, body: JSON.stringify(sent) }]);
    const parley = new ParleyClient({ baseUrl: 'https://parley.example/', apiKey: 'pk_test', fetch });
    expect(await parley.sendMessage(message, { idempotencyKey: 'k-1' })).toEqual(sent);
    expect(calls[0]!.url).toBe('https://parley.example/v1/messages');
    expect(calls[0]!.headers).toMatchObject({ authorization: 'Bearer pk_test', 'idempotency-key': 'k-1', 'content-type': 'application/json' });
    expect(JSON.parse(calls[0]!.body!)).toEqual({ recipient: { bsid: 'bsid_abcdefgh' }, messagingType: 'RESPONSE', content: message.content });
  });

  it('retries network errors and 5xx with one key, and stops after maxRetries', async () => {
    const { fetch, calls } = scripted([new TypeError('socket hang up'), { status: 503 }, { status: 201, body: JSON.stringify(sent) }]);
    const parley = new ParleyClient({ baseUrl: 'https://parley.example', apiKey: 'pk_test', fetch, backoffMs: 1 });
    expect(await parley.sendMessage(message)).toEqual(sent);
    expect(new Set(calls.map((c) => c.headers['idempotency-key'])).size).toBe(1);
    expect(calls).toHaveLength(3);

    const failing = scripted([{ status: 500 }, { status: 500 }, { status: 500 }]);
    const once = new ParleyClient({ baseUrl: 'https://parley.example', apiKey: 'pk_test', fetch: failing.fetch, maxRetries: 1, backoffMs: 1 });
    await expect(once.sendMessage(message)).rejects.toMatchObject({ status: 500, code: 'ERR_UNKNOWN' });
    expect(failing.calls).toHaveLength(2);
  });

  it('throws a 429 that asks for more than a minute instead of sleeping through it', async () => {
    const { fetch, calls } = scripted([{ status: 429, headers: { 'retry-after': '3600' }, body: JSON.stringify({ error: { code: 'ERR_RATE_LIMITED', message: 'slow down' } }) }]);
    const parley = new ParleyClient({ baseUrl: 'https://parley.example', apiKey: 'pk_test', fetch });
    const error = await parley.sendMessage(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyApiError);
    expect(error).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED', message: 'slow down' });
    expect(calls).toHaveLength(1);
  });

  it('encodes ids in paths and filters in the query', async () => {
    const { fetch, calls } = scripted([{ status: 200, body: '{"deliveries":[],"hasMore":false}' }, { status: 204 }]);
    const parley = new ParleyClient({ baseUrl: 'https://parley.example', apiKey: 'pk_test', fetch });
    await parley.listDeliveries({ status: 'dead', limit: 5 });
    await parley.deleteWebhookEndpoint('a/b');
    expect(calls.map((c) => c.url)).toEqual(['https://parley.example/v1/webhooks/deliveries?status=dead&limit=5', 'https://parley.example/v1/webhooks/endpoints/a%2Fb']);
  });
});
