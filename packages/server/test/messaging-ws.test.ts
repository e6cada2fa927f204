import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Conversation, HistoryPage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, businessTopic, type DeliveryEvent } from '../src/messaging';
import { createInProcessBus } from '../src/platform/bus';
import { createTestApp, dialects, type TestApp } from './context';
import { clientId, connect, openBankConversation, textSend } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';

describe.each(dialects)('the WebSocket gateway on %s', (dialect) => {
  let t: TestApp;
  const bus = createInProcessBus();
  let person: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, deps: { bus } });
    person = await signUpPerson(t.app);
    conversation = await openBankConversation(t.app, person);
  });
  afterAll(() => t.close());

  async function history(query = ''): Promise<HistoryPage> {
    const response = await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages${query}`, headers: { cookie: person.cookie } });
    expect(response.statusCode).toBe(200);
    return response.json() as HistoryPage;
  }

  it('greets with hello and answers ping with pong', async () => {
    const socket = await connect(t, person);
    socket.send({ type: 'ping', nonce: 'n-1' });
    expect(await socket.take('pong')).toEqual({ type: 'pong', nonce: 'n-1' });
    socket.send({ type: 'ping' });
    expect(await socket.take('pong')).toEqual({ type: 'pong' });
    await socket.close();
  });

  it('acks a send once it is stored, and the other socket of the person gets the message live', async () => {
    const [a, b] = await Promise.all([connect(t, person), connect(t, person)]);
    const send = textSend(conversation.id, 'hello bank');
    a.send(send);
    const ack = await a.take('ack');
    expect(ack).toEqual({ type: 'ack', clientId: send.clientId, conversationId: conversation.id, seq: expect.any(Number), sentAt: expect.any(Number) });
    const stored = (await history()).messages.find((m) => m.seq === ack.seq);
    expect(stored).toMatchObject({ clientId: send.clientId, sender: 'person', content: send.content, sentAt: ack.sentAt });

    const live = await b.take('message');
    expect(live.message).toEqual(stored);
    // The sending socket has the message as its ack; it does not get it twice.
    expect((await a.quiet()).filter((frame) => frame.type === 'message')).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('stores a resent clientId once and acks it with the original seq', async () => {
    const socket = await connect(t, person);
    const send = textSend(conversation.id, 'only once');
    socket.send(send);
    const first = await socket.take('ack');
    socket.send(send);
    const again = await socket.take('ack');
    expect(again).toEqual(first);

    // Both copies in the same TCP write, so in the same commit batch.
    const twin = textSend(conversation.id, 'twins');
    const raw = (socket.socket as unknown as { _socket: Socket })._socket;
    raw.cork();
    socket.send(twin);
    socket.send(twin);
    raw.uncork();
    const [x, y] = [await socket.take('ack'), await socket.take('ack')];
    expect(x.seq).toBe(y.seq);
    expect(y.seq).toBe(first.seq + 1);

    const messages = (await history('?limit=200')).messages;
    expect(messages.filter((m) => m.clientId === send.clientId)).toHaveLength(1);
    expect(messages.filter((m) => m.clientId === twin.clientId)).toHaveLength(1);
    await socket.close();
  });

  it('delivers a business message appended by a service to every socket of the person', async () => {
    const [a, b] = await Promise.all([connect(t, person), connect(t, person)]);
    const appended = await t.app.messaging.append({
      conversationId: conversation.id,
      sender: 'business',
      content: { contentType: 'text', text: 'Your card ending 4242 is locked.' },
    });
    expect(appended).toMatchObject({ conversationId: conversation.id, sender: 'business', clientId: null });
    expect((await a.take('message')).message).toEqual(appended);
    expect((await b.take('message')).message).toEqual(appended);

    // An idempotent append: two in the same tick, so in one batch, store one message.
    const key = clientId();
    const content = { contentType: 'text', text: 'alert' } as const;
    const [one, two] = await Promise.all([
      t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content, clientId: key }),
      t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content, clientId: key }),
    ]);
    expect(two).toEqual(one);
    expect((await a.take('message')).message).toEqual(one);
    expect((await a.quiet()).filter((frame) => frame.type === 'message')).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a service’s append to an unknown conversation or with invalid content', async () => {
    const content = { contentType: 'text', text: 'hello' } as const;
    await expect(appendMessage(t.app.messaging, { conversationId: randomUUID(), sender: 'business', content })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    const empty = { contentType: 'text', text: '' } as const;
    await expect(appendMessage(t.app.messaging, { conversationId: conversation.id, sender: 'business', content: empty })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    await expect(appendMessage(t.app.messaging, { conversationId: conversation.id, sender: 'system', content, clientId: 'bad id!' })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
  });

  it('syncs read marks to the person’s other sockets: monotonic, capped at the last seq', async () => {
    const [a, b] = await Promise.all([connect(t, person), connect(t, person)]);
    await t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'unread one' } });
    const { lastSeq } = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: person.cookie } })).json() as Conversation;
    await a.take('message');
    await b.take('message');

    a.send({ type: 'read', conversationId: conversation.id, seq: lastSeq + 1000 });
    expect(await b.take('read')).toEqual({ type: 'read', conversationId: conversation.id, reader: 'person', seq: lastSeq });
    const after = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: person.cookie } })).json() as Conversation;
    expect(after).toMatchObject({ readSeq: lastSeq, unread: 0 });

    // Going back is ignored: nothing is sent, nothing changes.
    a.send({ type: 'read', conversationId: conversation.id, seq: 1 });
    expect(await a.quiet()).toEqual([]);
    expect(await b.quiet()).toEqual([]);
    const still = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: person.cookie } })).json() as Conversation;
    expect(still.readSeq).toBe(lastSeq);
    await Promise.all([a.close(), b.close()]);
  });

  it('relays typing to the business side on the bus and echoes nothing', async () => {
    const [a, b] = await Promise.all([connect(t, person), connect(t, person)]);
    const seen: DeliveryEvent[] = [];
    const unsubscribe = bus.subscribe(businessTopic(conversation.business.id), (payload) => seen.push(payload as DeliveryEvent));
    a.send({ type: 'typing', conversationId: conversation.id, state: 'start' });
    expect(await a.quiet()).toEqual([]);
    expect(seen).toEqual([{ frame: { type: 'typing', conversationId: conversation.id, sender: 'person', state: 'start' } }]);
    expect(await b.quiet()).toEqual([]);
    unsubscribe();
    await Promise.all([a.close(), b.close()]);
  });

  it('publishes every stored message on the business topic too', async () => {
    const socket = await connect(t, person);
    const seen: DeliveryEvent[] = [];
    const unsubscribe = bus.subscribe(businessTopic(conversation.business.id), (payload) => seen.push(payload as DeliveryEvent));
    const send = textSend(conversation.id, 'to the bank');
    socket.send(send);
    const ack = await socket.take('ack');
    expect(seen.map((event) => event.frame)).toEqual([{ type: 'message', message: expect.objectContaining({ seq: ack.seq, clientId: send.clientId }) }]);
    unsubscribe();
    await socket.close();
  });

  it('counts open sockets and persisted messages in /metrics', async () => {
    const metric = async (name: string): Promise<number> => {
      const body = (await t.app.inject('/metrics')).body;
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
    };
    const before = await metric('parley_messages_persisted_total');
    const socket = await connect(t, person);
    await expect.poll(() => metric('parley_ws_open_sockets')).toBe(1);
    socket.send(textSend(conversation.id, 'counted'));
    await socket.take('ack');
    expect(await metric('parley_messages_persisted_total')).toBe(before + 1);
    await socket.close();
    await expect.poll(() => metric('parley_ws_open_sockets')).toBe(0);
  });
});
