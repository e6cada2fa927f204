import type { Business, CreatedApiKey, RotatedWebhookSecret, WebhookDeliveryList, WebhookEndpointList } from '@parley/protocol';
import { verifyWebhook, WebhookVerificationError } from '@parley/sdk';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents, type WebhookEventInput } from '../src/webhooks';
import { adminToken, bearer, createBusiness, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, freePort, type TestApp } from './context';
import { deliveryById, headersOf, registerEndpoint, sendTest, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// Webhooks delivered for real to a receiver on 127.0.0.1 (private targets allowed, as in dev),
// verified by an implementation of the spec nobody here wrote and by our SDK; failures retried
// by the injected clock until they are dead, then replayed.

const conversationId = '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c';
const message = { seq: 3, sender: 'person' as const, content: { contentType: 'text' as const, text: 'What is my balance?' }, sentAt: 1_795_000_000_000 };
const hour = 60 * 60 * 1000;

describe.each(dialects)('webhook delivery on %s', (dialect) => {
  const clock = manualClock();
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let receiver: WebhookReceiver;
  let bank: Business;
  let other: Business;
  let key: CreatedApiKey;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken, webhookAllowPrivate: true, webhookTimeoutMs: 1_000 }, deps: { clock } });
    store = await openStore(t.config, clock);
    receiver = await startReceiver();
    bank = await createBusiness(t.app, 'Hook Bank');
    other = await createBusiness(t.app, 'Quiet Bank');
    key = await createKey(t.app, bank.id, ['webhooks:manage']);
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  const hitsFor = (eventId: string) => receiver.received.filter((hit) => hit.id === eventId);

  it('delivers a signed webhook that verifies with the standardwebhooks package and with our SDK', async () => {
    const endpoint = await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['message.created'] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await t.app.inject({ method: 'GET', url: '/v1/webhooks/endpoints', headers: bearer(key.secret) });
    expect((listed.json() as WebhookEndpointList).endpoints).toEqual([
      { id: endpoint.id, url: receiver.url, eventTypes: ['message.created'], role: 'bot', createdAt: clock.now(), previousSecretExpiresAt: null },
    ]);
    expect(listed.body).not.toContain(endpoint.secret.slice(6));

    const { eventId, deliveryId } = await sendTest(t.app, key.secret, endpoint.id);
    expect(eventId).toMatch(/^msg_[0-9A-Z]{26}$/);
    await t.app.webhooks.flush();

    const [hit] = hitsFor(eventId);
    if (!hit) throw new Error('nothing arrived');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['webhook-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    const expected = { type: 'webhook.test', timestamp: new Date(clock.now()).toISOString(), data: { endpointId: endpoint.id } };
    expect(new Webhook(endpoint.secret).verify(hit.body, headersOf(hit))).toEqual(expected);
    expect(verifyWebhook(headersOf(hit), hit.body, [endpoint.secret])).toEqual(expected);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(hit.body, headersOf(hit))).toThrow(/signature/);

    const delivery = await deliveryById(t.app, key.secret, deliveryId);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, deliveredAt: clock.now(), nextAttemptAt: null, eventType: 'webhook.test' });
  });

  it('records events in the caller\'s transaction, for subscribed endpoints only, and nothing when it rolls back', async () => {
    const chat = await registerEndpoint(t.app, key.secret, { url: `${receiver.url}?to=chat`, eventTypes: ['message.created', 'postback'] });
    const reads = await registerEndpoint(t.app, key.secret, { url: `${receiver.url}?to=reads`, eventTypes: ['message.read'] });
    const bsid = 'bsid_q3xV0cH8m1bB5nS2LwT9yKfA4pE';
    const events: WebhookEventInput[] = [
      { businessId: bank.id, type: 'message.created', data: { bsid, conversationId, message } },
      { businessId: bank.id, type: 'message.read', data: { bsid, conversationId, seq: 3 } },
      { businessId: other.id, type: 'message.created', data: { bsid, conversationId, message } },
    ];
    await expect(
      store.db.transaction().execute(async (trx) => {
        await recordEvents(trx, store.ctx, events);
        throw new Error('the change that caused the events failed');
      }),
    ).rejects.toThrow('failed');
    await t.app.webhooks.flush();
    const before = receiver.received.length;
    expect((await t.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=pending', headers: bearer(key.secret) })).json()).toEqual({ deliveries: [], hasMore: false });

    const recorded = await store.db.transaction().execute((trx) => recordEvents(trx, store.ctx, events));
    // The first endpoint (message.created) of the previous test gets the first event too.
    expect(recorded.map((r) => r.deliveryIds.length)).toEqual([2, 1, 0]);
    await t.app.webhooks.flush();
    const arrived = receiver.received.slice(before);
    expect(arrived.map((hit) => [hit.url.split('?')[1] ?? 'first', hit.id]).sort()).toEqual(
      [['first', recorded[0]?.eventId], ['to=chat', recorded[0]?.eventId], ['to=reads', recorded[1]?.eventId]].sort(),
    );
    const created = arrived.find((hit) => hit.url.endsWith('to=chat'));
    expect(JSON.parse(created?.body ?? '{}')).toEqual({ type: 'message.created', timestamp: new Date(clock.now()).toISOString(), data: { bsid, conversationId, message } });
    expect(verifyWebhook(headersOf(created!), created!.body, [chat.secret])).toMatchObject({ type: 'message.created' });
    expect(reads.id).not.toBe(chat.id);
  });

  it('refuses an event whose data breaks the contract (a global person id cannot ride along)', async () => {
    const leaky = { businessId: bank.id, type: 'conversation.started', data: { bsid: 'bsid_abcdefgh', conversationId, personId: conversationId } };
    await expect(store.db.transaction().execute((trx) => recordEvents(trx, store.ctx, [leaky as WebhookEventInput]))).rejects.toThrow(/schema/);
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const endpoint = await registerEndpoint(t.app, key.secret, { url: `${receiver.url}?to=rotating`, eventTypes: ['postback'] });
    const rotatedAt = clock.now();
    const rotate = await t.app.inject({ method: 'POST', url: `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, headers: bearer(key.secret) });
    expect(rotate.statusCode).toBe(200);
    const rotated = rotate.json() as RotatedWebhookSecret;
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.previousSecretExpiresAt).toBe(rotatedAt + 24 * hour);

    const during = await sendTest(t.app, key.secret, endpoint.id);
    await t.app.webhooks.flush();
    const [hit] = hitsFor(during.eventId);
    expect(headersOf(hit!)['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.secret]) {
      expect(new Webhook(secret).verify(hit!.body, headersOf(hit!))).toMatchObject({ type: 'webhook.test' });
      expect(verifyWebhook(headersOf(hit!), hit!.body, [secret], { now: clock.now() })).toMatchObject({ type: 'webhook.test' });
    }

    clock.advance(24 * hour + 1_000);
    const after = await sendTest(t.app, key.secret, endpoint.id);
    await t.app.webhooks.flush();
    const [late] = hitsFor(after.eventId);
    expect(headersOf(late!)['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(verifyWebhook(headersOf(late!), late!.body, [rotated.secret], { now: clock.now() })).toMatchObject({ type: 'webhook.test' });
    expect(() => verifyWebhook(headersOf(late!), late!.body, [endpoint.secret], { now: clock.now() })).toThrow(WebhookVerificationError);
    const listed = (await t.app.inject({ method: 'GET', url: '/v1/webhooks/endpoints', headers: bearer(key.secret) })).json() as WebhookEndpointList;
    expect(listed.endpoints.find((e) => e.id === endpoint.id)?.previousSecretExpiresAt).toBeNull();
  });

  it('retries a failing endpoint with growing waits, dead after 3 days with status and excerpt, and replays it', async () => {
    const failing = await startReceiver();
    try {
      failing.answer = () => ({ status: 500, body: `boom ${'e'.repeat(2_000)}` });
      const endpoint = await registerEndpoint(t.app, key.secret, { url: failing.url, eventTypes: ['postback'] });
      const { eventId, deliveryId } = await sendTest(t.app, key.secret, endpoint.id);
      const createdAt = clock.now();
      await t.app.webhooks.flush();
      let delivery = await deliveryById(t.app, key.secret, deliveryId);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: null });
      expect(delivery.lastResponseExcerpt).toBe(`boom ${'e'.repeat(495)}`);

      // Never sooner than a second: a failing bank is not hammered.
      clock.advance(999);
      await t.app.webhooks.flush();
      expect((await deliveryById(t.app, key.secret, deliveryId)).attempts).toBe(1);

      const ceilings = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * hour];
      for (const [step, ceiling] of ceilings.entries()) {
        const wait = (delivery.nextAttemptAt ?? 0) - (delivery.lastAttemptAt ?? 0);
        expect(wait).toBeGreaterThanOrEqual(1_000);
        expect(wait).toBeLessThanOrEqual(ceiling);
        clock.advance(ceiling);
        await t.app.webhooks.flush();
        delivery = await deliveryById(t.app, key.secret, deliveryId);
        expect(delivery.attempts).toBe(step + 2);
      }
      while (delivery.status === 'pending') {
        clock.advance(3 * hour);
        await t.app.webhooks.flush();
        delivery = await deliveryById(t.app, key.secret, deliveryId);
      }
      expect(delivery.status).toBe('dead');
      expect(delivery.lastAttemptAt).toBeGreaterThanOrEqual(createdAt + 72 * hour);
      expect(delivery.attempts).toBeGreaterThan(20);
      expect(failing.received).toHaveLength(delivery.attempts);
      expect(new Set(failing.received.map((hit) => hit.id))).toEqual(new Set([eventId]));

      const dead = (await t.app.inject({ method: 'GET', url: `/v1/webhooks/deliveries?status=dead&endpointId=${endpoint.id}`, headers: bearer(key.secret) })).json() as WebhookDeliveryList;
      expect(dead.deliveries).toEqual([expect.objectContaining({ id: deliveryId, status: 'dead', lastStatusCode: 500, nextAttemptAt: null })]);
      expect(dead.deliveries[0]?.lastResponseExcerpt).toHaveLength(500);

      failing.answer = () => ({ status: 204 });
      const replay = await t.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${deliveryId}/replay`, headers: bearer(key.secret) });
      expect(replay.statusCode).toBe(202);
      expect(replay.json()).toMatchObject({ id: deliveryId, status: 'pending', nextAttemptAt: clock.now() });
      await t.app.webhooks.flush();
      expect(await deliveryById(t.app, key.secret, deliveryId)).toMatchObject({ status: 'delivered', lastStatusCode: 204, deliveredAt: clock.now() });
      const last = failing.received.at(-1);
      expect(last?.id).toBe(eventId);
      expect(last?.body).toBe(failing.received[0]?.body);
    } finally {
      await failing.close();
    }
  });

  it("waits at least the endpoint's Retry-After before trying again", async () => {
    const busy = await startReceiver();
    try {
      busy.answer = () => ({ status: 503, body: 'busy', headers: { 'retry-after': '120' } });
      const endpoint = await registerEndpoint(t.app, key.secret, { url: busy.url, eventTypes: ['postback'] });
      const { deliveryId } = await sendTest(t.app, key.secret, endpoint.id);
      await t.app.webhooks.flush();
      const delivery = await deliveryById(t.app, key.secret, deliveryId);
      expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 503 });
      expect((delivery.nextAttemptAt ?? 0) - (delivery.lastAttemptAt ?? 0)).toBe(120_000);
    } finally {
      await busy.close();
    }
  });

  it('counts a timeout and a refused connection as failures, with the reason', async () => {
    const silent = await startReceiver();
    try {
      silent.answer = () => 'hang';
      const hanging = await registerEndpoint(t.app, key.secret, { url: silent.url, eventTypes: ['postback'] });
      const timedOut = await sendTest(t.app, key.secret, hanging.id);
      const nobody = await registerEndpoint(t.app, key.secret, { url: `http://127.0.0.1:${await freePort()}/hooks`, eventTypes: ['postback'] });
      const refused = await sendTest(t.app, key.secret, nobody.id);
      await t.app.webhooks.flush();
      expect(await deliveryById(t.app, key.secret, timedOut.deliveryId)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'No answer within 1 s.' });
      const refusedDelivery = await deliveryById(t.app, key.secret, refused.deliveryId);
      expect(refusedDelivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(refusedDelivery.lastError).toMatch(/ECONNREFUSED/);

      // Deleting an endpoint ends what is pending for it, and it can no longer be used.
      const deleted = await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/endpoints/${hanging.id}`, headers: bearer(key.secret) });
      expect(deleted.statusCode).toBe(204);
      expect(await deliveryById(t.app, key.secret, timedOut.deliveryId)).toMatchObject({ status: 'dead', lastError: 'The endpoint was deleted.' });
      const replay = await t.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${timedOut.deliveryId}/replay`, headers: bearer(key.secret) });
      expect(replay.statusCode).toBe(409);
      const test = await t.app.inject({ method: 'POST', url: `/v1/webhooks/endpoints/${hanging.id}/test`, headers: bearer(key.secret) });
      expect(test.statusCode).toBe(404);
      const listed = (await t.app.inject({ method: 'GET', url: '/v1/webhooks/endpoints', headers: bearer(key.secret) })).json() as WebhookEndpointList;
      expect(listed.endpoints.map((e) => e.id)).not.toContain(hanging.id);
    } finally {
      await silent.close();
    }
  });

  it('counts attempts in /metrics, and forgets events 30 days old once nothing is pending for them', async () => {
    const metrics = (await t.app.inject('/metrics')).body;
    expect(metrics).toMatch(/parley_webhook_attempts_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/parley_webhook_attempts_total\{outcome="retry"\} [1-9]/);
    expect(metrics).toMatch(/parley_webhook_attempts_total\{outcome="dead"\} [1-9]/);

    const list = async () =>
      ((await t.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?limit=200', headers: bearer(key.secret) })).json() as WebhookDeliveryList).deliveries;
    const pending = (await list()).filter((d) => d.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    clock.advance(30 * 24 * hour + hour);
    // Pruning runs before the pending ones get their last attempt: they are kept this round.
    await t.app.webhooks.flush();
    const left = await list();
    expect(left.map((d) => d.id).sort()).toEqual(pending.map((d) => d.id).sort());
    expect(left.every((d) => d.status === 'dead')).toBe(true);
    clock.advance(hour);
    await t.app.webhooks.flush();
    expect(await list()).toEqual([]);
    const events = await store.db.selectFrom('webhook_events').select('id').execute();
    expect(events).toEqual([]);
  });
});

describe.each(dialects)('webhook dispatcher shutdown on %s', (dialect) => {
  it('close() stops claiming but lets the post in flight finish and records it', async () => {
    const t = await createTestApp(dialect, { config: { adminToken, webhookAllowPrivate: true } });
    const receiver = await startReceiver();
    const store = await openStore(t.config);
    try {
      receiver.answer = () => ({ status: 200, delayMs: 300 });
      const bank = await createBusiness(t.app, 'Closing Bank');
      const key = await createKey(t.app, bank.id, ['webhooks:manage']);
      const endpoint = await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['postback'] });
      const { deliveryId } = await sendTest(t.app, key.secret, endpoint.id);
      await receiver.waitFor(1);
      await t.app.close();
      const row = await store.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200, lease_token: null });
    } finally {
      await receiver.close();
      await store.close();
      await t.close();
    }
  });
});
