import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationList, WsTicket } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessTopic } from '../src/messaging';
import { createInProcessBus } from '../src/platform/bus';
import { createTestApp, dialects, type TestApp } from './context';
import { clientId, connect, openBankConversation, refusedUpgrade, textSend } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';

const notFound = { error: { code: 'ERR_NOT_FOUND', message: expect.any(String) } };

describe.each(dialects)('messaging authorization on %s', (dialect) => {
  let t: TestApp;
  const bus = createInProcessBus();
  let alice: TestPerson;
  let bob: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, deps: { bus } });
    [alice, bob] = await Promise.all([signUpPerson(t.app), signUpPerson(t.app)]);
    conversation = await openBankConversation(t.app, alice);
    await openBankConversation(t.app, bob);
  });
  afterAll(() => t.close());

  it('refuses an upgrade without a session with 401 and the error body', async () => {
    expect(await refusedUpgrade(t, { origin: t.baseUrl })).toEqual({ status: 401, body: { error: { code: 'ERR_UNAUTHENTICATED', message: expect.any(String) } } });
    expect((await refusedUpgrade(t, { origin: t.baseUrl, cookie: 'parley_session=forged' })).status).toBe(401);
  });

  it('refuses a cross-origin upgrade even with a valid session cookie', async () => {
    const refused = await refusedUpgrade(t, { origin: 'https://evil.example', cookie: alice.cookie });
    expect(refused).toEqual({ status: 403, body: { error: { code: 'ERR_CSRF', message: expect.any(String) } } });
  });

  it('admits a non-browser client with a single-use ticket, once', async () => {
    const issued = await t.app.inject({ method: 'POST', url: '/v1/ws-ticket', headers: alice.headers });
    const { ticket } = issued.json() as WsTicket;
    const socket = await connect(t, null, { authorization: `Bearer ${ticket}` });
    socket.send(textSend(conversation.id, 'from a bot-like client'));
    expect(await socket.take('ack')).toMatchObject({ conversationId: conversation.id });
    await socket.close();
    const reused = await refusedUpgrade(t, { authorization: `Bearer ${ticket}` });
    expect(reused).toEqual({ status: 401, body: { error: { code: 'ERR_TICKET_INVALID', message: expect.any(String) } } });
    expect((await refusedUpgrade(t, { authorization: 'Basic abc' })).status).toBe(401);
  });

  it('answers 404 over HTTP for another person’s conversation, exactly as for none', async () => {
    const routes = [
      { method: 'GET' as const, url: `/v1/conversations/${conversation.id}` },
      { method: 'GET' as const, url: `/v1/conversations/${conversation.id}/messages` },
      { method: 'POST' as const, url: `/v1/conversations/${conversation.id}/messages`, payload: { clientId: clientId(), content: { contentType: 'text', text: 'intrusion' } } },
    ];
    for (const route of routes) {
      const foreign = await t.app.inject({ ...route, headers: bob.headers });
      const missing = await t.app.inject({ ...route, url: route.url.replace(conversation.id, randomUUID()), headers: bob.headers });
      expect([foreign.statusCode, foreign.json()]).toEqual([404, notFound]);
      expect([missing.statusCode, missing.json()]).toEqual([404, foreign.json()]);
    }
    const list = (await t.app.inject({ url: '/v1/conversations', headers: { cookie: bob.cookie } })).json() as ConversationList;
    expect(list.conversations.map((c) => c.id)).not.toContain(conversation.id);
    const history = (await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages`, headers: { cookie: alice.cookie } })).json();
    expect(JSON.stringify(history)).not.toContain('intrusion');
  });

  it('refuses every frame about another person’s conversation with ERR_NOT_FOUND, and leaks nothing', async () => {
    const business: unknown[] = [];
    const unsubscribe = bus.subscribe(businessTopic(conversation.business.id), (payload) => business.push(payload));
    const socket = await connect(t, bob);
    const send = textSend(conversation.id, 'intrusion');
    socket.send(send);
    expect(await socket.take('error')).toEqual({ type: 'error', code: 'ERR_NOT_FOUND', message: expect.any(String), ref: send.clientId });
    socket.send({ type: 'read', conversationId: conversation.id, seq: 1 });
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_NOT_FOUND', ref: conversation.id });
    socket.send({ type: 'typing', conversationId: conversation.id, state: 'start' });
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_NOT_FOUND', ref: conversation.id });
    socket.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq: 0 }] });
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_NOT_FOUND', ref: conversation.id });
    expect(await socket.take('resumed')).toEqual({ type: 'resumed', conversations: [] });
    expect(await socket.quiet()).toEqual([]);
    expect(business).toEqual([]);
    unsubscribe();

    const mine = (await t.app.inject({ url: `/v1/conversations/${conversation.id}`, headers: { cookie: alice.cookie } })).json() as Conversation;
    expect(mine.readSeq).toBe(0);
    expect(mine.lastMessage?.content).not.toEqual(send.content);
    await socket.close();
  });

  it('never delivers one person’s messages to another person’s sockets', async () => {
    const [bobSocket, aliceSocket, aliceOther] = await Promise.all([connect(t, bob), connect(t, alice), connect(t, alice)]);
    aliceSocket.send(textSend(conversation.id, 'private'));
    await aliceSocket.take('ack');
    await t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'your balance' } });
    aliceSocket.send({ type: 'read', conversationId: conversation.id, seq: 2 });
    await aliceOther.take('read');
    expect(await bobSocket.quiet()).toEqual([]);
    await Promise.all([bobSocket.close(), aliceSocket.close(), aliceOther.close()]);
  });
});

describe.each(dialects)('sockets and the end of their session on %s', (dialect) => {
  let t: TestApp;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, deps: { clock } });
  });
  afterAll(() => t.close());

  it('refuses the upgrade of a signed-out session', async () => {
    const person = await signUpPerson(t.app);
    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: person.headers });
    expect(out.statusCode).toBe(204);
    expect(await refusedUpgrade(t, { origin: t.baseUrl, cookie: person.cookie })).toMatchObject({ status: 401 });
  });

  it('closes an open socket within a minute of its session being signed out', async () => {
    const person = await signUpPerson(t.app);
    const [socket, other] = await Promise.all([connect(t, person), connect(t, await signUpPerson(t.app))]);
    await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: person.headers });
    offset += 61_000;
    expect(await socket.take('error')).toMatchObject({ code: 'ERR_SESSION_EXPIRED', fatal: true });
    expect((await socket.closed).code).toBe(1008);
    // Someone else's session is untouched.
    expect(await other.quiet()).toEqual([]);
    await other.close();
  });

  it('drops a socket that stops answering pings, and keeps one that answers', async () => {
    const person = await signUpPerson(t.app);
    const [silent, lively] = await Promise.all([connect(t, person, {}, { autoPong: false }), connect(t, person)]);
    const pinged = new Promise((resolve) => silent.socket.once('ping', resolve));
    offset += 30_000;
    await pinged;
    offset += 30_000;
    expect((await silent.closed).code).toBe(1006);
    expect(await lively.quiet()).toEqual([]);
    await lively.close();
  });

  it('spreads the heartbeat over its 30 s: sockets opened together are pinged a few a second, each within the period', async () => {
    const person = await signUpPerson(t.app);
    const sockets = await Promise.all(Array.from({ length: 30 }, () => connect(t, person)));
    const pinged = new Set<number>();
    sockets.forEach((socket, i) => socket.socket.on('ping', () => pinged.add(i)));
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1_500));
    offset += 10_000;
    await tick();
    // A second of the period each: about a third of them by now, never all at once.
    expect(pinged.size).toBeGreaterThanOrEqual(9);
    expect(pinged.size).toBeLessThanOrEqual(13);
    offset += 20_000;
    await tick();
    expect(pinged.size).toBe(30);
    await Promise.all(sockets.map((socket) => socket.close()));
  });

  it('closes an open socket once its session expires', async () => {
    const person = await signUpPerson(t.app);
    const socket = await connect(t, person);
    offset += 31 * 60_000;
    expect((await socket.closed).code).toBe(1008);
  });
});
