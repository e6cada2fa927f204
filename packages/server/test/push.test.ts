import { compactVerify, importJWK } from 'jose';
import type { PushDevice, PushDeviceList, PushKey, PushPayload } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notifyPerson } from '../src/push';
import type { ServerContext } from '../src/context';
import { createTestApp, dialects, type TestApp } from './context';
import { ManualClock, minutes, openSideContext } from './identity-fixtures';
import { connect } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { makeDevice, startPushService, type PushService, type TestDevice } from './push-fixtures';

async function subscribe(t: TestApp, person: TestPerson, device: TestDevice): Promise<PushDevice> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/push/devices', headers: { ...person.headers, 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0' }, payload: device.subscription });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<PushDevice>();
}

async function devicesOf(t: TestApp, person: TestPerson): Promise<PushDevice[]> {
  return (await t.app.inject({ url: '/v1/push/devices', headers: { cookie: person.cookie } })).json<PushDeviceList>().devices;
}

describe.each(dialects)('Web Push on %s', (dialect) => {
  let t: TestApp;
  let side: { ctx: ServerContext; close(): Promise<void> };
  let service: PushService;
  const clock = new ManualClock(Date.now());
  const alert = (personId: string, dedupeId: string) => ({ personId, dedupeId, title: 'Sandbox Bank', body: 'Did you just spend €842.10 at Loja Electrónica?', url: '/app/c/x', expiresAt: clock.now() + minutes(30) });

  beforeAll(async () => {
    service = await startPushService();
    t = await createTestApp(dialect, { listen: true, config: { webhookAllowPrivate: true }, deps: { clock } });
    side = await openSideContext(t, clock);
  });
  afterAll(async () => {
    await side?.close();
    await t?.close();
    await service?.close();
  });
  afterEach(() => {
    service.received.length = 0;
    service.answer = () => 201;
  });

  it('encrypts the notification to the device and signs it with VAPID, and only the device can read it', async () => {
    const person = await signUpPerson(t.app);
    const device = makeDevice(service.endpoint('a'));
    const stored = await subscribe(t, person, device);
    expect(stored.deviceName).toBe('Chrome on Android');

    await notifyPerson(side.ctx, alert(person.me.id, 'alert-1'));
    await t.app.push.flush();

    expect(service.received).toHaveLength(1);
    const [push] = service.received;
    expect(push?.headers['content-encoding']).toBe('aes128gcm');
    expect(push?.headers.urgency).toBe('high');
    expect(Number(push?.headers.ttl)).toBe(30 * 60);
    expect(push?.body.includes(Buffer.from('842.10'))).toBe(false);
    const payload = JSON.parse(device.decrypt(push?.body ?? Buffer.alloc(0))) as PushPayload;
    expect(payload).toEqual({ title: 'Sandbox Bank', body: 'Did you just spend €842.10 at Loja Electrónica?', url: '/app/c/x', tag: 'alert-1' });

    // VAPID (RFC 8292): a JWT for the push service's origin, signed by the key GET /v1/push/key gives.
    const { publicKey } = (await t.app.inject({ url: '/v1/push/key' })).json<PushKey>();
    const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(String(push?.headers.authorization)) ?? [];
    expect(k).toBe(publicKey);
    const raw = Buffer.from(publicKey, 'base64url');
    const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') };
    const { payload: claims } = await compactVerify(String(jwt), await importJWK(jwk, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(claims))).toMatchObject({ aud: service.origin, sub: 'mailto:operator@localhost' });
    expect((await devicesOf(t, person))[0]?.lastDeliveredAt).not.toBeNull();
  });

  it('sends nothing while the person has a socket open: the alert reached them live', async () => {
    const person = await signUpPerson(t.app);
    await subscribe(t, person, makeDevice(service.endpoint('online')));
    const socket = await connect(t, person);
    await notifyPerson(side.ctx, alert(person.me.id, 'alert-online'));
    await t.app.push.flush();
    expect(service.received).toHaveLength(0);
    await socket.close();
  });

  it('owes each device one notification per alert, however often it is asked', async () => {
    const person = await signUpPerson(t.app);
    await subscribe(t, person, makeDevice(service.endpoint('phone')));
    await subscribe(t, person, makeDevice(service.endpoint('laptop')));
    await notifyPerson(side.ctx, alert(person.me.id, 'alert-twice'));
    await notifyPerson(side.ctx, alert(person.me.id, 'alert-twice'));
    await t.app.push.flush();
    expect(service.received.map((push) => push.path).sort()).toEqual(['/push/laptop', '/push/phone']);
  });

  it('retries a push service that fails, and gives up once the alert has expired', async () => {
    const person = await signUpPerson(t.app);
    await subscribe(t, person, makeDevice(service.endpoint('flaky')));
    service.answer = () => 503;
    await notifyPerson(side.ctx, alert(person.me.id, 'alert-retry'));
    await t.app.push.flush();
    expect(service.received).toHaveLength(1);
    service.answer = () => 201;
    clock.advance(minutes(15));
    await t.app.push.flush();
    expect(service.received).toHaveLength(2);

    service.answer = () => 503;
    await notifyPerson(side.ctx, { ...alert(person.me.id, 'alert-expires'), expiresAt: clock.now() + 1_000 });
    await t.app.push.flush();
    clock.advance(minutes(60));
    await t.app.push.flush();
    expect(service.received).toHaveLength(3);
  });

  it('forgets a device whose subscription the push service says is gone', async () => {
    const person = await signUpPerson(t.app);
    await subscribe(t, person, makeDevice(service.endpoint('gone')));
    service.answer = () => 410;
    await notifyPerson(side.ctx, alert(person.me.id, 'alert-gone'));
    await t.app.push.flush();
    expect(await devicesOf(t, person)).toEqual([]);
  });

  it('lets a person list and remove only their own devices', async () => {
    const person = await signUpPerson(t.app);
    const other = await signUpPerson(t.app);
    const device = await subscribe(t, person, makeDevice(service.endpoint('mine')));
    const theirs = await t.app.inject({ method: 'DELETE', url: `/v1/push/devices/${device.id}`, headers: other.headers });
    expect(theirs.statusCode).toBe(404);
    const mine = await t.app.inject({ method: 'DELETE', url: `/v1/push/devices/${device.id}`, headers: person.headers });
    expect(mine.statusCode).toBe(204);
    expect(await devicesOf(t, person)).toEqual([]);
  });

  it('refuses a subscription with malformed keys', async () => {
    const person = await signUpPerson(t.app);
    const device = makeDevice(service.endpoint('bad'));
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/push/devices',
      headers: person.headers,
      payload: { ...device.subscription, keys: { p256dh: 'short', auth: device.subscription.keys.auth } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
  });
});

describe('Web Push endpoints in production', () => {
  it('must be https push services on the public internet, as webhook URLs must', async () => {
    const t = await createTestApp('sqlite');
    try {
      const person = await signUpPerson(t.app);
      for (const endpoint of ['http://push.example.com/x', 'https://127.0.0.1/push', 'https://169.254.169.254/latest', 'https://[::1]/push']) {
        const response = await t.app.inject({ method: 'POST', url: '/v1/push/devices', headers: person.headers, payload: makeDevice(endpoint).subscription });
        expect(response.statusCode, endpoint).toBe(422);
        expect(response.json()).toMatchObject({ error: { code: 'ERR_PUSH_ENDPOINT_FORBIDDEN' } });
      }
    } finally {
      await t.close();
    }
  });
});
