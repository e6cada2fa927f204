import type { AlertContent, Business, CreatedApiKey, Message, PushPayload, ServerFrame } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { alertBody, alertOk, answerOk, switchAlerts } from './alerts-fixtures';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { connect, openBankConversation, sandboxBank, type TestSocket } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { makeDevice, startPushService } from './push-fixtures';

// An accepted alert reaches every open socket of the person at once, and a socket that was away
// gets it on resume — one card per alert id, however often the bank retries.

const alertsIn = (frames: readonly ServerFrame[]): AlertContent[] =>
  frames.flatMap((frame) => (frame.type === 'message' && frame.message.content.contentType === 'alert' ? [frame.message.content] : []));

describe.each(dialects)('alert delivery on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let bsid: string;
  let conversationId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['alerts:send']);
    conversationId = (await openBankConversation(t.app, person)).id;
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    await switchAlerts(t.app, person, bank.id, { card_transaction_review: true, low_balance: true });
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.close();
    await store?.close();
    await t?.close();
  });

  async function open(): Promise<TestSocket> {
    const socket = await connect(t, person);
    sockets.push(socket);
    return socket;
  }

  it('puts the card on every open socket of the person, once, even when the bank retries the request', async () => {
    const phone = await open();
    const laptop = await open();
    const body = alertBody(bsid);
    const accepted = await alertOk(t.app, key.secret, body, 'review-1');
    for (const socket of [phone, laptop]) {
      const frame = await socket.take('message', (f) => f.message.content.contentType === 'alert');
      expect(frame.message).toMatchObject({ conversationId, seq: accepted.seq, sender: 'system' });
      expect(frame.message.content).toEqual({
        contentType: 'alert',
        alertId: accepted.alertId,
        kind: body.kind,
        headline: body.headline,
        facts: body.facts,
        actions: body.actions,
        expiresAt: body.expiresAt,
      });
    }
    expect(await alertOk(t.app, key.secret, body, 'review-1')).toEqual(accepted);
    for (const socket of [phone, laptop]) expect(alertsIn(await socket.quiet())).toEqual([]);
  });

  it('shows the answer on every socket, so every device agrees the alert is answered', async () => {
    const [phone, laptop] = [await open(), await open()];
    const { alertId } = await alertOk(t.app, key.secret, alertBody(bsid));
    await phone!.take('message', (f) => f.message.content.contentType === 'alert');
    await answerOk(t.app, person, alertId, { actionId: 'confirm' });
    for (const socket of [phone!, laptop!]) {
      const frame = await socket.take('message', (f) => f.message.content.contentType === 'alert_answer');
      expect(frame.message.content).toMatchObject({ alertId, actionId: 'confirm', steppedUp: false });
    }
  });

  it('reaches a subscribed device by Web Push when the person has no socket open, once per alert however often the bank retries', async () => {
    const service = await startPushService();
    try {
      const away = await signUpPerson(t.app);
      const awayConversation = (await openBankConversation(t.app, away)).id;
      await switchAlerts(t.app, away, bank.id, { card_transaction_review: true });
      const device = makeDevice(service.endpoint('phone'));
      const subscribed = await t.app.inject({ method: 'POST', url: '/v1/push/devices', headers: away.headers, payload: device.subscription });
      expect(subscribed.statusCode).toBe(201);
      const body = alertBody(await bsidFor(store.ctx, bank.id, away.me.id));
      const { alertId } = await alertOk(t.app, key.secret, body, 'pushed-1');
      await alertOk(t.app, key.secret, body, 'pushed-1');
      await t.app.push.flush();
      expect(service.received).toHaveLength(1);
      const payload = JSON.parse(device.decrypt(service.received[0]!.body)) as PushPayload;
      expect(payload).toEqual({ title: bank.name, body: body.headline, url: `/app/c/${awayConversation}`, tag: alertId });
    } finally {
      await service.close();
    }
  });

  it('gives a socket that was away exactly the alerts it missed, on resume', async () => {
    const first = await open();
    await first.quiet();
    const seen = (await t.app.inject({ url: `/v1/conversations/${conversationId}/messages?limit=1`, headers: { cookie: person.cookie } })).json() as { messages: Message[] };
    const lastSeq = seen.messages.at(-1)?.seq ?? 0;
    await first.close();
    const missed = [
      await alertOk(t.app, key.secret, alertBody(bsid, { headline: 'Did you just spend €12.00 at a café in Porto?' })),
      await alertOk(t.app, key.secret, alertBody(bsid, { kind: 'low_balance', headline: 'Your balance is under €50.', facts: { balance: { amount: '42.17', currency: 'EUR' } } })),
    ];
    const back = await open();
    back.send({ type: 'resume', conversations: [{ conversationId, lastSeq }] });
    await back.take('resumed');
    expect(alertsIn(back.frames.splice(0)).map((content) => content.alertId)).toEqual(missed.map((alert) => alert.alertId));
    expect(alertsIn(await back.quiet())).toEqual([]);
  });
});
