import type { Business, Conversation, CreatedApiKey, WebhookEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { clientId, connect, openBankConversation, sandboxBank } from './messaging-client';
import { outboxEvents } from './outbox-fixtures';
import { signUpPerson, type TestPerson } from './people';
import { personSays, sendBody, sendOk } from './send-fixtures';
import { registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The bank offers choices with the Send API; the person taps one; the bank hears it as a
// `postback` webhook event — written to the outbox in the message's transaction, delivered for real.

describe.each(dialects)('postbacks reach the bank on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let receiver: WebhookReceiver;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;

  const outboxPostbacks = () => outboxEvents(t, store.db, { businessId: bank.id, type: 'postback' });
  const delivered = async (type: WebhookEvent['type']) => {
    await t.app.webhooks.flush();
    return receiver.received.map((hit) => JSON.parse(hit.body) as WebhookEvent).filter((event) => event.type === type);
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    receiver = await startReceiver();
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send', 'webhooks:manage']);
    await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['postback', 'message.created'] });
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  it('records a tapped quick reply as a postback event with the BSID, seq, title and payload, and delivers it', async () => {
    await sendOk(t.app, key.secret, sendBody(bsid, { contentType: 'quick_replies', text: 'What next?', quickReplies: [{ title: 'Balance', payload: 'SHOW_BALANCE' }] }));
    const socket = await connect(t, person);
    try {
      const tap = clientId();
      socket.send({ type: 'send', clientId: tap, conversationId: conversation.id, content: { contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' } });
      const ack = await socket.take('ack', (frame) => frame.clientId === tap);
      // A resend of the same tap stores nothing and records nothing.
      socket.send({ type: 'send', clientId: tap, conversationId: conversation.id, content: { contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' } });
      await socket.take('ack', (frame) => frame.clientId === tap);

      const expected = { bsid, conversationId: conversation.id, seq: ack.seq, title: 'Balance', payload: 'SHOW_BALANCE' };
      expect((await outboxPostbacks()).map((event) => event.data)).toEqual([expected]);
      await receiver.waitFor(1);
      const [event] = await delivered('postback');
      expect(event).toMatchObject({ type: 'postback', data: expected });
      expect(JSON.stringify(event)).not.toContain(person.me.id);
    } finally {
      await socket.close();
    }
  });

  it('records a postback button sent over HTTP the same way, once: never also as message.created', async () => {
    const before = receiver.received.length;
    const response = await personSays(t.app, person, conversation.id, { contentType: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' });
    expect(response.statusCode).toBe(201);
    const { seq } = response.json() as { seq: number };
    const expected = { bsid, conversationId: conversation.id, seq, title: 'Unlock it', payload: 'UNLOCK_CARD' };
    expect((await outboxPostbacks()).map((event) => event.data)).toContainEqual(expected);

    await receiver.waitFor(before + 1);
    expect((await delivered('postback')).map((event) => event.data)).toContainEqual(expected);
    // Both would be recorded in the send's own transaction, so the outbox already says it all.
    const created = await outboxEvents<{ data: { message: { seq: number } } }>(t, store.db, { businessId: bank.id, type: 'message.created' });
    const seqs = created.map((event) => event.data.message.seq);
    expect(seqs).not.toContain(seq);
  });
});
