import { randomUUID } from 'node:crypto';
import type { AccountExport, Business, Conversation, ConversationList, CreatedApiKey, HistoryPage, Message, WebhookEvent } from '@parley/protocol';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { openBodies } from '../src/messaging';
import { adminToken, createKey, openStore, runParley } from './business-fixtures';
import { createTestApp, dialects, freshStore, type TestApp } from './context';
import { contextOver, everyTableAsText, restorableKeys, sqliteFilesHolding, tablesHolding } from './privacy-at-rest-fixtures';
import { connect, openBankConversation, sandboxBank, textSend } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { sendBody, sendOk } from './send-fixtures';
import { headersOf, registerEndpoint, startReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhooks-fixtures';

// Message bodies and webhook payloads are sealed at rest under the person's data key: a canary
// said by a person and by the bank is in no table in clear (nor, on SQLite, in the file or its
// WAL), yet reads back everywhere; a body moved to another row does not open; and once the
// person deletes their account, a copy of the database from before cannot give it back.

type Store = Awaited<ReturnType<typeof openStore>>;

describe.each(dialects)('message bodies and webhook payloads encrypted at rest (%s)', (dialect) => {
  let t: TestApp;
  let store: Store;
  let receiver: WebhookReceiver;
  let person: TestPerson;
  let bank: Business;
  let key: CreatedApiKey;
  let secret: string;
  let conversation: Conversation;
  const personCanary = `canary-person-${randomUUID()}`;
  const bankCanary = `canary-bank-${randomUUID()}`;

  const history = async (who: TestPerson, conversationId: string) =>
    (await t.app.inject({ url: `/v1/conversations/${conversationId}/messages?limit=200`, headers: { cookie: who.cookie } })).json<HistoryPage>().messages;
  const texts = (messages: readonly Message[]) => messages.map((message) => ('text' in message.content ? message.content.text : message.content.contentType));

  async function webhookSaying(text: string): Promise<ReceivedWebhook> {
    for (;;) {
      await t.app.webhooks.flush();
      const hit = receiver.received.find((candidate) => candidate.body.includes(text));
      if (hit) return hit;
      await receiver.waitFor(receiver.received.length + 1, 5_000);
    }
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    receiver = await startReceiver();
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['webhooks:manage', 'messages:send']);
    secret = (await registerEndpoint(t.app, key.secret, { url: receiver.url, eventTypes: ['message.created'] })).secret;
    conversation = await openBankConversation(t.app, person);
  });
  afterAll(async () => {
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  it('keeps both sides of a conversation out of every table in clear, and reads them back everywhere', async () => {
    const socket = await connect(t, person);
    socket.send(textSend(conversation.id, personCanary));
    const ack = await socket.take('ack');
    const bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    await sendOk(t.app, key.secret, sendBody(bsid, { contentType: 'text', text: bankCanary }));
    await socket.take('message');
    socket.close();

    // The bank got the person's words in clear, signed over exactly the bytes it received.
    const hit = await webhookSaying(personCanary);
    const event = new Webhook(secret).verify(hit.body, headersOf(hit)) as WebhookEvent;
    expect(event).toMatchObject({ type: 'message.created', data: { bsid, conversationId: conversation.id, message: { seq: ack.seq, content: { contentType: 'text', text: personCanary } } } });

    const dump = await everyTableAsText(store.db, dialect);
    expect(dump.get('messages')).toContain('pk1.');
    expect(dump.get('webhook_events')).toContain('pk1.');
    expect({ person: tablesHolding(dump, personCanary), bank: tablesHolding(dump, bankCanary) }).toEqual({ person: [], bank: [] });
    if (dialect === 'sqlite') expect(await sqliteFilesHolding(store.db, t.config.dataDir, [personCanary, bankCanary])).toEqual([]);

    // …and every reader opens them: history, the conversation list, a resume, the export.
    expect(texts(await history(person, conversation.id))).toEqual(expect.arrayContaining([personCanary, bankCanary]));
    const list = (await t.app.inject({ url: '/v1/conversations', headers: { cookie: person.cookie } })).json<ConversationList>();
    expect(list.conversations.find((row) => row.id === conversation.id)?.lastMessage?.content).toEqual({ contentType: 'text', text: bankCanary });
    const again = await connect(t, person);
    again.send({ type: 'resume', conversations: [{ conversationId: conversation.id, lastSeq: ack.seq - 1 }] });
    const replayed = [(await again.take('message')).message, (await again.take('message')).message];
    expect(texts(replayed)).toEqual([personCanary, bankCanary]);
    again.close();
    const exported = (await t.app.inject({ url: '/v1/account/export', headers: { cookie: person.cookie } })).json<AccountExport>();
    const exportedTexts = exported.conversations.flatMap((row) => row.messages).map((message) => (message.content as { text?: string }).text);
    expect(exportedTexts).toEqual(expect.arrayContaining([personCanary, bankCanary]));
  });

  it('does not open a body moved to another row, and still reads messages stored in clear before sealing', async () => {
    const messages = await history(person, conversation.id);
    const mine = messages.find((message) => texts([message])[0] === personCanary)!;
    const greeting = messages[0]!;
    const sealed = await store.db.selectFrom('messages').select('body').where('conversation_id', '=', conversation.id).where('seq', '=', mine.seq).executeTakeFirstOrThrow();
    await store.db.updateTable('messages').set({ body: sealed.body }).where('conversation_id', '=', conversation.id).where('seq', '=', greeting.seq).execute();
    // A legacy row, written before bodies were sealed: plain JSON.
    const legacySeq = Math.max(...messages.map((message) => message.seq)) + 1;
    await store.db
      .insertInto('messages')
      .values({ conversation_id: conversation.id, seq: legacySeq, client_id: null, sender: 'business', content_type: 'text', body: JSON.stringify({ contentType: 'text', text: 'Written before sealing' }), created_at: Date.now() })
      .execute();
    await store.db.updateTable('conversations').set({ last_seq: legacySeq }).where('id', '=', conversation.id).execute();

    const after = await history(person, conversation.id);
    expect(texts(after.filter((message) => message.seq === greeting.seq))).toEqual(['This message was erased.']);
    expect(texts(after.filter((message) => message.seq === mine.seq))).toEqual([personCanary]);
    expect(texts(after.filter((message) => message.seq === legacySeq))).toEqual(['Written before sealing']);

    // `parley messages seal` seals what was stored in clear; it still reads the same.
    const run = await runParley({ dataDir: t.config.dataDir, databaseUrl: t.config.databaseUrl }, ['messages', 'seal', '--json']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(JSON.parse(run.stdout)).toEqual({ sealed: 1 });
    const legacy = await store.db.selectFrom('messages').select('body').where('conversation_id', '=', conversation.id).where('seq', '=', legacySeq).executeTakeFirstOrThrow();
    expect(legacy.body).toMatch(/^pk1\./);
    expect(texts((await history(person, conversation.id)).filter((message) => message.seq === legacySeq))).toEqual(['Written before sealing']);
  });

  it('does not send a webhook payload copied onto another event', async () => {
    receiver.answer = () => ({ status: 503 });
    const socket = await connect(t, person);
    const words = [`first-${randomUUID()}`, `second-${randomUUID()}`];
    for (const text of words) {
      socket.send(textSend(conversation.id, text));
      await socket.take('ack');
    }
    socket.close();
    await t.app.webhooks.flush();
    const [first, second] = await store.db.selectFrom('webhook_events').select(['id', 'payload']).where('business_id', '=', bank.id).orderBy('id', 'desc').limit(2).execute().then((rows) => rows.reverse());
    await store.db.updateTable('webhook_events').set({ payload: first!.payload }).where('id', '=', second!.id).execute();

    receiver.answer = () => ({ status: 200, body: 'ok' });
    const arrived = receiver.received.length;
    await store.db.updateTable('webhook_deliveries').set({ next_attempt_at: 0 }).where('event_id', 'in', [first!.id, second!.id]).execute();
    await t.app.webhooks.flush();
    const bodies = receiver.received.slice(arrived).map((hit) => hit.body);
    expect(bodies.filter((body) => body.includes(words[0]!))).toHaveLength(1);
    expect(bodies.some((body) => body.includes(words[1]!))).toBe(false);
    expect(await store.db.selectFrom('webhook_deliveries').select('status').where('event_id', '=', second!.id).executeTakeFirst()).toEqual({ status: 'dead' });
  });

  it('after account deletion, a copy of the database from before cannot give the words back, and their pending webhook is never sent', async () => {
    const alice = await signUpPerson(t.app, 'Alice Leaving');
    const chat = await openBankConversation(t.app, alice);
    const aliceCanary = `canary-alice-${randomUUID()}`;
    // The bank's endpoint is down: Alice's message waits in the outbox.
    receiver.answer = () => ({ status: 503 });
    const socket = await connect(t, alice);
    socket.send(textSend(chat.id, aliceCanary));
    await socket.take('ack');
    socket.close();
    await t.app.webhooks.flush();
    const pending = await store.db.selectFrom('webhook_events').select('id').where('payload', 'like', 'pk1.%').where('business_id', '=', bank.id).orderBy('id', 'desc').executeTakeFirstOrThrow();

    // The backup: every data key and message row as they are now (what a dump or a disk image holds).
    const backupKeys = await store.db.selectFrom('data_keys').selectAll().execute();
    const backupRows = (await store.db.selectFrom('messages').select(['conversation_id', 'seq', 'body']).where('conversation_id', '=', chat.id).execute()).map((row) => ({ ...row, person_id: alice.me.id }));
    const restoreAndRead = async (): Promise<string> => {
      const copy = await freshStore(dialect);
      const restored = await contextOver(t, copy);
      try {
        await restored.ctx.db.insertInto('data_keys').values(restorableKeys(backupKeys)).execute();
        return JSON.stringify(await openBodies(restored.ctx, backupRows));
      } catch (error) {
        return `refused: ${(error as { code?: string }).code ?? String(error)}`;
      } finally {
        await restored.close();
        await copy.drop();
      }
    };
    expect(await restoreAndRead()).toContain(aliceCanary);

    const deleted = await t.app.inject({ method: 'DELETE', url: '/v1/account', headers: alice.headers, payload: { confirm: 'delete my account' } });
    expect(deleted.json()).toMatchObject({ deleted: true, backupsUnreadable: true });
    const fromBackup = await restoreAndRead();
    expect(fromBackup).not.toContain(aliceCanary);
    expect(fromBackup).toMatch(/erased|ERR_MASTER_KEY_MISSING|ERR_DATA_KEY_DESTROYED/);

    // The endpoint is back: Alice's words are not delivered, her event is dead as erased.
    receiver.answer = () => ({ status: 200, body: 'ok' });
    const arrived = receiver.received.length;
    await store.db.updateTable('webhook_deliveries').set({ next_attempt_at: 0 }).where('event_id', '=', pending.id).execute();
    await t.app.webhooks.flush();
    expect(receiver.received.slice(arrived).some((hit) => hit.body.includes(aliceCanary))).toBe(false);
    const delivery = await store.db.selectFrom('webhook_deliveries').select(['status', 'last_error']).where('event_id', '=', pending.id).executeTakeFirst();
    expect(delivery).toEqual({ status: 'dead', last_error: expect.stringMatching(/erased/) });
    // Bob's (the first person's) messages still read after Alice's key is gone.
    expect(texts(await history(person, conversation.id))).toContain(personCanary);
  });
});
