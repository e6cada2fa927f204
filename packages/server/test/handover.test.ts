import type { Business, Conversation, CreatedApiKey, WebhookEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, bearer, createBusiness, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { connect, openBankConversation, sandboxBank, textSend } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// Handover between a bank's bot and its human inbox: each move over the Business API, its
// event to both sides, and where a person's messages go (owner: message.created, other: standby).

describe.each(dialects)('handover on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bot: WebhookReceiver;
  let inbox: WebhookReceiver;
  let bank: Business;
  let sendKey: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;

  const move = (path: string, payload: object = {}, key = sendKey.secret, conversationId = conversation.id) =>
    t.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/${path}`, headers: bearer(key), payload });

  /** Every event each receiver got since the last call, in arrival order. */
  async function drain(): Promise<{ bot: WebhookEvent[]; inbox: WebhookEvent[] }> {
    await t.app.webhooks.flush();
    const parse = (receiver: WebhookReceiver) => receiver.received.splice(0).map((hit) => JSON.parse(hit.body) as WebhookEvent);
    return { bot: parse(bot), inbox: parse(inbox) };
  }

  async function personSays(text: string): Promise<number> {
    const socket = await connect(t, person);
    socket.send(textSend(conversation.id, text));
    const ack = await socket.take('ack');
    await socket.close();
    return ack.seq;
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    [bot, inbox] = await Promise.all([startReceiver(), startReceiver()]);
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    sendKey = await createKey(t.app, bank.id, ['messages:send']);
    const manage = await createKey(t.app, bank.id, ['webhooks:manage']);
    const types = ['message.created', 'standby', 'handover.passed', 'handover.taken', 'handover.returned'] as const;
    await registerEndpoint(t.app, manage.secret, { url: bot.url, eventTypes: [...types] });
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: bearer(manage.secret),
      payload: { url: inbox.url, eventTypes: [...types], role: 'inbox' },
    });
    expect(created.json()).toMatchObject({ role: 'inbox' });
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
  });
  afterAll(async () => {
    await bot?.close();
    await inbox?.close();
    await store?.close();
    await t?.close();
  });

  it('gives the bot the thread at first: the bot gets message.created, the inbox standby', async () => {
    const seq = await personSays('hello bot');
    const { bot: toBot, inbox: toInbox } = await drain();
    expect(toBot.map((e) => [e.type, 'message' in e.data ? e.data.message.seq : null])).toEqual([['message.created', seq]]);
    expect(toInbox.map((e) => [e.type, 'message' in e.data ? e.data.message.seq : null])).toEqual([['standby', seq]]);
    expect(toInbox[0]?.data).toMatchObject({ bsid, conversationId: conversation.id, message: { sender: 'person', content: { contentType: 'text', text: 'hello bot' } } });
  });

  it('passes the thread to the inbox: both sides hear handover.passed, then the inbox gets the messages', async () => {
    const passed = await move('pass-thread-control', { to: 'inbox', metadata: 'wants a human' });
    expect(passed.statusCode).toBe(200);
    expect(passed.json()).toEqual({ conversationId: conversation.id, owner: 'inbox' });
    const again = await move('pass-thread-control', { to: 'inbox' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'ERR_CONFLICT' } });

    const seq = await personSays('I need a person');
    const { bot: toBot, inbox: toInbox } = await drain();
    const handover = { type: 'handover.passed', data: { bsid, conversationId: conversation.id, owner: 'inbox', metadata: 'wants a human' } };
    expect(toBot).toMatchObject([handover, { type: 'standby', data: { message: { seq } } }]);
    expect(toInbox).toMatchObject([handover, { type: 'message.created', data: { message: { seq } } }]);
  });

  it('returns the thread to the bot, and the bot gets the messages again', async () => {
    const returned = await move('return-thread-control');
    expect(returned.json()).toEqual({ conversationId: conversation.id, owner: 'bot' });
    expect((await move('return-thread-control')).statusCode).toBe(409);
    const seq = await personSays('thanks, back to the bot');
    const { bot: toBot, inbox: toInbox } = await drain();
    const handover = { type: 'handover.returned', data: { bsid, conversationId: conversation.id, owner: 'bot' } };
    expect(toBot).toMatchObject([handover, { type: 'message.created', data: { message: { seq } } }]);
    expect(toInbox).toMatchObject([handover, { type: 'standby', data: { message: { seq } } }]);
  });

  it('lets the inbox take the thread from the bot', async () => {
    const taken = await move('take-thread-control');
    expect(taken.json()).toEqual({ conversationId: conversation.id, owner: 'inbox' });
    expect((await move('take-thread-control')).statusCode).toBe(409);
    const { bot: toBot, inbox: toInbox } = await drain();
    const handover = { type: 'handover.taken', data: { bsid, conversationId: conversation.id, owner: 'inbox' } };
    expect(toBot).toMatchObject([handover]);
    expect(toInbox).toMatchObject([handover]);
    expect((await move('return-thread-control')).statusCode).toBe(200);
    await drain();
  });

  it('answers 404 for another business\'s conversation and an unknown one, and leaves the thread alone', async () => {
    const other = await createBusiness(t.app, 'Other Bank');
    const otherKey = await createKey(t.app, other.id, ['messages:send']);
    for (const path of ['pass-thread-control', 'take-thread-control', 'return-thread-control']) {
      const response = await move(path, path.startsWith('pass') ? { to: 'inbox' } : {}, otherKey.secret);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
      const unknown = await move(path, path.startsWith('pass') ? { to: 'inbox' } : {}, sendKey.secret, '00000000-0000-4000-8000-000000000000');
      expect(unknown.statusCode).toBe(404);
    }
    const { bot: toBot, inbox: toInbox } = await drain();
    expect([...toBot, ...toInbox]).toEqual([]);
    // The thread is still the bot's.
    expect((await move('return-thread-control')).statusCode).toBe(409);
  });

  it('refuses a key without messages:send, no key, a person\'s session, and bad bodies', async () => {
    const manageOnly = await createKey(t.app, bank.id, ['webhooks:manage']);
    const scoped = await move('pass-thread-control', { to: 'inbox' }, manageOnly.secret);
    expect([scoped.statusCode, scoped.json()]).toMatchObject([403, { error: { code: 'ERR_SCOPE_MISSING' } }]);
    const anonymous = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/pass-thread-control`, payload: { to: 'inbox' } });
    expect(anonymous.statusCode).toBe(401);
    const asPerson = await t.app.inject({ method: 'POST', url: `/v1/conversations/${conversation.id}/take-thread-control`, headers: person.headers, payload: {} });
    expect(asPerson.statusCode).toBe(401);
    for (const payload of [{ to: 'bot' }, {}, { to: 'inbox', metadata: 'x'.repeat(1001) }, { to: 'inbox', extra: 1 }]) {
      const bad = await move('pass-thread-control', payload);
      expect([bad.statusCode, bad.json()]).toMatchObject([400, { error: { code: 'ERR_VALIDATION' } }]);
    }
    const notUuid = await move('take-thread-control', {}, sendKey.secret, 'not-a-conversation');
    expect(notUuid.statusCode).toBe(400);
    expect((await drain()).bot).toEqual([]);
  });
});
