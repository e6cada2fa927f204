import type { Business, CreatedApiKey, CreatedWebhookEndpoint, WebhookDeliveryList, WebhookTestQueued } from '@parley/protocol';
import { verifyWebhook } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken } from './business-fixtures';
import { dialects, freshStore } from './context';
import { startServerProcess, type ServerProcess } from './server-process';
import { headersOf, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The outbox survives a crash: Parley is SIGKILLed while deliveries are pending and in flight
// (the receiver holds some requests open, so it has seen them but Parley has not heard back),
// then restarted on the same store. Every event arrives at least once with the webhook-id it was
// recorded under, and a receiver that dedupes by webhook-id processes each exactly once.

const events = 60;
/** The receiver answers this many at once, then holds the rest open until the crash. */
const answeredBeforeCrash = 20;

async function call<T>(baseUrl: string, path: string, options: { auth: string; body?: unknown; method?: string }): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${options.auth}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, detail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(dialects)('webhook outbox across a crash on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let server: ServerProcess | undefined;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    store = await freshStore(dialect);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await store?.drop();
  });

  it('delivers every event at least once with the same webhook-id after a SIGKILL, and each exactly once to a deduping receiver', { timeout: 180_000 }, async () => {
    server = await startServerProcess({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      // A short attempt timeout keeps the lease (timeout + 5 s) of the posts cut off by the crash short.
      env: { PARLEY_ADMIN_TOKEN: adminToken, PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1', PARLEY_WEBHOOK_TIMEOUT_MS: '2000' },
    });
    const { baseUrl } = server;
    const bank = (await call<Business>(baseUrl, '/v1/admin/businesses', { auth: adminToken, body: { name: 'Durable Bank' } })).body;
    const key = (await call<CreatedApiKey>(baseUrl, `/v1/admin/businesses/${bank.id}/keys`, { auth: adminToken, body: { name: 'bot', scopes: ['webhooks:manage'] } })).body;
    const endpoint = (await call<CreatedWebhookEndpoint>(baseUrl, '/v1/webhooks/endpoints', { auth: key.secret, body: { url: receiver.url, eventTypes: ['postback'] } })).body;

    const processed = new Map<string, string>();
    let crashed = false;
    receiver.answer = (hit) => {
      if (!crashed && receiver.received.length > answeredBeforeCrash) return 'hang';
      if (!processed.has(hit.id)) processed.set(hit.id, hit.body);
      return { status: 200, body: 'ok' };
    };

    const recorded: WebhookTestQueued[] = [];
    for (let batch = 0; batch < events / 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => call<WebhookTestQueued>(baseUrl, `/v1/webhooks/endpoints/${endpoint.id}/test`, { auth: key.secret, body: {} })),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(202);
        recorded.push(answer.body);
      }
    }
    // The receiver has seen requests Parley has not heard back about: the crash cuts them off.
    await receiver.waitFor(answeredBeforeCrash + 1);
    await server.kill();
    crashed = true;
    const seenBeforeCrash = receiver.received.length;
    await server.restart();

    const eventIds = new Set(recorded.map((r) => r.eventId));
    await until('every event at the receiver', () => processed.size === events, 60_000, () => `${processed.size} of ${events}`);
    await until('no delivery pending', async () => {
      const pending = await call<WebhookDeliveryList>(baseUrl, '/v1/webhooks/deliveries?status=pending', { auth: key.secret });
      return pending.body.deliveries.length === 0;
    }, 30_000, () => 'deliveries still pending');

    expect(eventIds.size).toBe(events);
    expect(new Set(processed.keys())).toEqual(eventIds);
    // At least once: some requests were sent again after the crash (the held ones), same id, same bytes.
    expect(receiver.received.length).toBeGreaterThan(events);
    expect(receiver.received.length).toBeGreaterThan(seenBeforeCrash);
    for (const hit of receiver.received) {
      expect(eventIds.has(hit.id)).toBe(true);
      expect(hit.body).toBe(processed.get(hit.id));
      expect(verifyWebhook(headersOf(hit), hit.body, [endpoint.secret])).toMatchObject({ type: 'webhook.test', data: { endpointId: endpoint.id } });
    }
    const delivered = await call<WebhookDeliveryList>(baseUrl, '/v1/webhooks/deliveries?status=delivered&limit=200', { auth: key.secret });
    expect(delivered.body.deliveries.map((d) => d.eventId).sort()).toEqual([...eventIds].sort());
  });
});
