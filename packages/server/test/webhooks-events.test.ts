import type { Business, Conversation, CreatedApiKey, WebhookEvent } from '@parley/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, createBusiness, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { connect, openBankConversation, sandboxBank, textSend } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { registerEndpoint, startReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhooks-fixtures';

// Events a person causes reach the bank's real endpoint, written in the same transaction as
// the change: message.created from a WebSocket send, conversation.started, message.read.

describe.each(dialects)('webhook events from messaging on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let receiver: WebhookReceiver;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;

  const eventsOf = (hits: readonly ReceivedWebhook[]) => hits.map((hit) => JSON.parse(hit.body) as WebhookEvent);
  const countEvents = async (businessId: string) =>
    Number((await store.db.selectFrom('webhook_events').select((eb) => eb.fn.countAll().as('n')).where('business_id', '=', businessId).executeTakeFirstOrThrow()).n);
  async function next(type: WebhookEvent['type']): Promise<{ event: WebhookEvent; hit: ReceivedWebhook }> {
    for (;;) {
      await t.app.webhooks.flush();
      const index = receiver.received.findIndex((hit) => (JSON.parse(hit.body) as WebhookEvent).type === type);
      if (index >= 0) {
        const [hit] = receiver.received.splice(index, 1);
        return { event: JSON.parse(hit!.body) as WebhookEvent, hit: hit! };
      }
      await receiver.waitFor(receiver.received.length + 1, 5_000);
    }
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    receiver = await startReceiver();
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['webhooks:manage']);
    await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['message.created', 'message.read', 'conversation.started', 'postback'] });
    conversation = await openBankConversation(t.app, person);
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  it('tells the bank a person started a conversation, under its BSID and never the global id', async () => {
    const { event, hit } = await next('conversation.started');
    const bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    expect(event.data).toEqual({ bsid, conversationId: conversation.id });
    expect(hit.body).not.toContain(person.me.id);
  });

  it('delivers a person\'s WebSocket send as message.created with the BSID', async () => {
    const socket = await connect(t, person);
    socket.send(textSend(conversation.id, 'What is my balance?'));
    const ack = await socket.take('ack');
    const { event, hit } = await next('message.created');
    expect(event.data).toEqual({
      bsid: await bsidFor(store.ctx, bank.id, person.me.id),
      conversationId: conversation.id,
      message: { seq: ack.seq, sender: 'person', content: { contentType: 'text', text: 'What is my balance?' }, sentAt: ack.sentAt },
    });
    expect(hit.body).not.toContain(person.me.id);

    socket.send({ type: 'read', conversationId: conversation.id, seq: ack.seq });
    const read = await next('message.read');
    expect(read.event.data).toEqual({ bsid: await bsidFor(store.ctx, bank.id, person.me.id), conversationId: conversation.id, seq: ack.seq });
    expect(read.hit.body).not.toContain(person.me.id);
    // A read that does not move the mark tells the bank nothing.
    socket.send({ type: 'read', conversationId: conversation.id, seq: ack.seq });
    await socket.quiet();
    await socket.close();
  });

  it('tells the bank which choice the person tapped with postback, once: not also as message.created', async () => {
    const socket = await connect(t, person);
    socket.send({ type: 'send', clientId: `pb-${Date.now()}`, conversationId: conversation.id, content: { contentType: 'postback', title: 'Lock my card', payload: 'LOCK_CARD' } });
    const ack = await socket.take('ack');
    const bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    expect((await next('postback')).event.data).toEqual({ bsid, conversationId: conversation.id, seq: ack.seq, title: 'Lock my card', payload: 'LOCK_CARD' });
    // The next message.created is the text sent after the tap, not the tap itself.
    socket.send({ type: 'send', clientId: `tx-${Date.now()}`, conversationId: conversation.id, content: { contentType: 'text', text: 'thanks' } });
    const textAck = await socket.take('ack');
    expect((await next('message.created')).event.data).toMatchObject({ message: { seq: textAck.seq, content: { contentType: 'text' } } });
    await socket.close();
  });

  it('sends nothing for the bank\'s own messages', async () => {
    const before = await countEvents(bank.id);
    await t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'Hello!' } });
    expect(await countEvents(bank.id)).toBe(before);
  });

  it('leaves no event behind when the send\'s transaction fails', async () => {
    const before = await countEvents(bank.id);
    const socket = await connect(t, person);
    await sql`alter table messages rename to messages_away`.execute(store.db);
    try {
      socket.send(textSend(conversation.id, 'into the void'));
      expect(await socket.take('error')).toMatchObject({ code: 'ERR_UNAVAILABLE' });
    } finally {
      await sql`alter table messages_away rename to messages`.execute(store.db);
    }
    expect(await countEvents(bank.id)).toBe(before);
    await t.app.webhooks.flush();
    expect(eventsOf(receiver.received).filter((e) => e.type === 'message.created')).toEqual([]);
    await socket.close();
  });

  it('writes no event rows at all for a business without endpoints', async () => {
    const quiet = await createBusiness(t.app, 'Quiet Savings');
    const response = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: quiet.id } });
    const opened = response.json() as Conversation;
    const socket = await connect(t, person);
    socket.send(textSend(opened.id, 'anyone there?'));
    await socket.take('ack');
    socket.send({ type: 'read', conversationId: opened.id, seq: opened.lastSeq + 1 });
    await socket.quiet();
    await socket.close();
    expect(await countEvents(quiet.id)).toBe(0);
  });
});
