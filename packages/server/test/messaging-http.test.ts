import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationList, HistoryPage, SendAck } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBusiness } from '../src/business';
import { createTestApp, dialects, type TestApp } from './context';
import { addBusiness, clientId, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';

describe.each(dialects)('conversations and history over HTTP on %s', (dialect) => {
  let t: TestApp;
  let person: TestPerson;
  let conversation: Conversation;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    person = await signUpPerson(t.app);
  });
  afterAll(() => t.close());

  const get = async <T>(url: string, who: TestPerson = person): Promise<T> => {
    const response = await t.app.inject({ url, headers: { cookie: who.cookie } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as T;
  };
  const send = (text: string, id = clientId()) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/conversations/${conversation.id}/messages`,
      headers: person.headers,
      payload: { clientId: id, content: { contentType: 'text', text } },
    });

  it('opens a conversation once (201), with the business greeting as its first message; again is 200', async () => {
    const bank = await sandboxBank(t.app, person);
    const first = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: bank.id } });
    expect(first.statusCode).toBe(201);
    conversation = first.json() as Conversation;
    expect(conversation).toMatchObject({ business: { id: bank.id }, lastSeq: 1, readSeq: 0, peerReadSeq: 0, unread: 1 });
    expect(conversation.lastMessage).toMatchObject({ seq: 1, sender: 'business', clientId: null, content: { contentType: 'text', text: demoBusiness.greeting } });

    const again = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: bank.id } });
    expect(again.statusCode).toBe(200);
    expect((again.json() as Conversation).id).toBe(conversation.id);
    expect((await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages`)).messages).toHaveLength(1);
  });

  it('opens one conversation when the same person asks twice at once', async () => {
    const other = await signUpPerson(t.app);
    const bank = await sandboxBank(t.app, other);
    const open = () => t.app.inject({ method: 'POST', url: '/v1/conversations', headers: other.headers, payload: { businessId: bank.id } });
    const [x, y] = await Promise.all([open(), open()]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([200, 201]);
    expect(x.json<Conversation>().id).toBe(y.json<Conversation>().id);
    expect((await get<HistoryPage>(`/v1/conversations/${x.json<Conversation>().id}/messages`, other)).messages).toHaveLength(1);
  });

  it('refuses to open a conversation with an unknown business, and without a session or CSRF token', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: randomUUID() } });
    expect(unknown.statusCode).toBe(404);
    const bank = await sandboxBank(t.app, person);
    const anonymous = await t.app.inject({ method: 'POST', url: '/v1/conversations', payload: { businessId: bank.id } });
    expect(anonymous.statusCode).toBe(401);
    const noCsrf = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: { cookie: person.cookie }, payload: { businessId: bank.id } });
    expect(noCsrf.statusCode).toBe(403);
  });

  it('sends over HTTP: 201 with the ack; the same clientId again is 200 with the same ack and stores nothing', async () => {
    const id = clientId();
    const first = await send('over http', id);
    expect(first.statusCode).toBe(201);
    const ack = first.json() as SendAck;
    expect(ack).toEqual({ conversationId: conversation.id, clientId: id, seq: 2, sentAt: expect.any(Number) });
    const again = await send('over http', id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(ack);
    const page = await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages`);
    expect(page.messages.filter((m) => m.clientId === id)).toHaveLength(1);
  });

  it('refuses invalid sends with ERR_VALIDATION', async () => {
    const tooLong = await send('x'.repeat(4001));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
    const badId = await send('fine', 'no spaces allowed');
    expect(badId.statusCode).toBe(400);
  });

  it('pages history: ascending seq, the page just below `before`, and hasMore', async () => {
    for (let i = 0; i < 8; i++) expect((await send(`page ${i}`)).statusCode).toBe(201);
    const { lastSeq } = await get<Conversation>(`/v1/conversations/${conversation.id}`);
    expect(lastSeq).toBe(10);
    const newest = await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages?limit=4`);
    expect(newest.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(newest.hasMore).toBe(true);
    const older = await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages?limit=4&before=7`);
    expect(older.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(older.hasMore).toBe(true);
    const oldest = await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages?limit=4&before=3`);
    expect(oldest).toEqual({ messages: [expect.objectContaining({ seq: 1 }), expect.objectContaining({ seq: 2 })], hasMore: false });
    const exact = await get<HistoryPage>(`/v1/conversations/${conversation.id}/messages?limit=2&before=3`);
    expect(exact.hasMore).toBe(false);
    const bad = await t.app.inject({ url: `/v1/conversations/${conversation.id}/messages?limit=500`, headers: { cookie: person.cookie } });
    expect(bad.statusCode).toBe(400);
  });

  it('lists conversations newest activity first, with the last message and unread counting only the other side', async () => {
    const quiet = await addBusiness(t, { slug: `quiet-${clientId()}`, name: 'Quiet Credit Union', greeting: null });
    const opened = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: quiet } });
    expect(opened.json()).toMatchObject({ lastSeq: 0, unread: 0, lastMessage: null });
    let list = await get<ConversationList>('/v1/conversations');
    expect(list.conversations.map((c) => c.business.id)).toEqual([quiet, conversation.business.id]);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await t.app.messaging.append({ conversationId: conversation.id, sender: 'business', content: { contentType: 'text', text: 'reply 1' } });
    const replied = await t.app.messaging.append({ conversationId: conversation.id, sender: 'system', content: { contentType: 'text', text: 'reply 2' } });
    list = await get<ConversationList>('/v1/conversations');
    expect(list.conversations.map((c) => c.business.id)).toEqual([conversation.business.id, quiet]);
    // The greeting and the two replies; the person's own messages are never unread.
    expect(list.conversations[0]).toMatchObject({ id: conversation.id, lastSeq: replied.seq, unread: 3, lastMessage: replied });
  });
});
