import type { CreatedApiKey, CreatedWebhookEndpoint, WebhookDeliveryList, WebhookEndpointList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, createBusiness, createKey } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';
import { registerEndpoint, sendTest, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// Business X's key against business Y's endpoints and deliveries: 404 on every route, exactly
// as for ids that do not exist. A key without the scope is 403; a session or nothing is 401.

describe.each(dialects)('webhook routes across businesses on %s', (dialect) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let keyX: CreatedApiKey;
  let keyY: CreatedApiKey;
  let sendOnlyX: CreatedApiKey;
  let endpointY: CreatedWebhookEndpoint;
  let deliveryY: string;
  let person: TestPerson;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken, webhookAllowPrivate: true } });
    receiver = await startReceiver();
    const x = await createBusiness(t.app, 'Bank X');
    const y = await createBusiness(t.app, 'Bank Y');
    keyX = await createKey(t.app, x.id, ['webhooks:manage']);
    keyY = await createKey(t.app, y.id, ['webhooks:manage']);
    sendOnlyX = await createKey(t.app, x.id, ['messages:send']);
    endpointY = await registerEndpoint(t.app, keyY.secret, { url: receiver.url, eventTypes: ['postback'] });
    deliveryY = (await sendTest(t.app, keyY.secret, endpointY.id)).deliveryId;
    await t.app.webhooks.flush();
    person = await signUpPerson(t.app);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  const routesOnY = () => [
    { method: 'DELETE' as const, url: `/v1/webhooks/endpoints/${endpointY.id}` },
    { method: 'POST' as const, url: `/v1/webhooks/endpoints/${endpointY.id}/rotate-secret` },
    { method: 'POST' as const, url: `/v1/webhooks/endpoints/${endpointY.id}/test` },
    { method: 'GET' as const, url: `/v1/webhooks/deliveries?endpointId=${endpointY.id}` },
    { method: 'POST' as const, url: `/v1/webhooks/deliveries/${deliveryY}/replay` },
  ];

  it("answers X's key on every one of Y's endpoints and deliveries with 404, and changes nothing", async () => {
    for (const route of routesOnY()) {
      const response = await t.app.inject({ ...route, headers: bearer(keyX.secret) });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
    }
    const unknown = [
      { method: 'DELETE' as const, url: '/v1/webhooks/endpoints/00000000-0000-4000-8000-000000000000' },
      { method: 'POST' as const, url: '/v1/webhooks/deliveries/dlv_00000000000000000000000000/replay' },
    ];
    for (const route of unknown) expect((await t.app.inject({ ...route, headers: bearer(keyX.secret) })).json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });

    const ownList = (await t.app.inject({ method: 'GET', url: '/v1/webhooks/endpoints', headers: bearer(keyY.secret) })).json() as WebhookEndpointList;
    expect(ownList.endpoints.map((e) => [e.id, e.previousSecretExpiresAt])).toEqual([[endpointY.id, null]]);
    const ownDeliveries = (await t.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries', headers: bearer(keyY.secret) })).json() as WebhookDeliveryList;
    expect(ownDeliveries.deliveries.map((d) => [d.id, d.status])).toEqual([[deliveryY, 'delivered']]);
    expect(receiver.received).toHaveLength(1);
  });

  it("lists nothing of Y's for X", async () => {
    const endpoints = await t.app.inject({ method: 'GET', url: '/v1/webhooks/endpoints', headers: bearer(keyX.secret) });
    expect(endpoints.json()).toEqual({ endpoints: [] });
    const deliveries = await t.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries', headers: bearer(keyX.secret) });
    expect(deliveries.json()).toEqual({ deliveries: [], hasMore: false });
  });

  it('refuses a key without webhooks:manage (403), a session and no key at all (401)', async () => {
    const all = [...routesOnY(), { method: 'GET' as const, url: '/v1/webhooks/endpoints' }, { method: 'POST' as const, url: '/v1/webhooks/endpoints' }];
    for (const route of all) {
      const payload = route.method === 'POST' && route.url.endsWith('endpoints') ? { url: receiver.url, eventTypes: ['postback'] } : undefined;
      const scoped = await t.app.inject({ ...route, headers: bearer(sendOnlyX.secret), payload });
      expect(scoped.json(), `${route.method} ${route.url}`).toMatchObject({ error: { code: 'ERR_SCOPE_MISSING' } });
      const session = await t.app.inject({ ...route, headers: person.headers, payload });
      expect(session.statusCode, `${route.method} ${route.url}`).toBe(401);
      const anonymous = await t.app.inject({ ...route, payload });
      expect(anonymous.statusCode).toBe(401);
    }
  });
});
