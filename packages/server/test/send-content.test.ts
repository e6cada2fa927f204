import type { Business, Conversation, CreatedApiKey } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { clientId, connect, openBankConversation, sandboxBank, type TestSocket } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf, everyBusinessContent, history, personSays, sendApi, sendBody, sendOk } from './send-fixtures';

// Every content type a bank may send reaches the person — in history and live — exactly as sent;
// every malformed body is a 4xx with a code and stores nothing; a person sends only text and postbacks.

describe.each(dialects)('Send API content on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;
  let socket: TestSocket;

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken } });
    store = await openStore(t.config);
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send']);
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    socket = await connect(t, person);
  });
  afterAll(async () => {
    await socket?.close();
    await store?.close();
    await t?.close();
  });

  it.each(everyBusinessContent.map((content) => [content.contentType, content] as const))(
    'delivers %s live to the person and keeps it in their history, unchanged',
    async (_type, content) => {
      const sent = await sendOk(t.app, key.secret, sendBody(bsid, content));
      expect(sent).toEqual({ conversationId: conversation.id, seq: expect.any(Number), sentAt: expect.any(Number) });

      const live = await socket.take('message', (frame) => frame.message.seq === sent.seq);
      expect(live.message).toEqual({ conversationId: conversation.id, seq: sent.seq, clientId: expect.any(String), sender: 'business', content, sentAt: sent.sentAt });
      const stored = (await history(t.app, person, conversation.id)).messages.find((message) => message.seq === sent.seq);
      expect(stored?.content).toEqual(content);
      expect(stored?.sender).toBe('business');
    },
  );

  const balance = everyBusinessContent.find((content) => content.contentType === 'template.balance')!;
  const account = { name: 'Everyday', balance: { amount: '10.00', currency: 'EUR' } };
  const badBodies: [string, () => unknown][] = [
    ['14 quick replies', () => sendBody(bsid, { contentType: 'quick_replies', text: 'Pick', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `Option ${i}`, payload: `P${i}` })) })],
    ['4 buttons', () => sendBody(bsid, { contentType: 'buttons', text: 'Pick', buttons: Array.from({ length: 4 }, (_, i) => ({ type: 'postback', title: `B${i}`, payload: `P${i}` })) })],
    ['a quick reply title over 20 characters', () => sendBody(bsid, { contentType: 'quick_replies', text: 'Pick', quickReplies: [{ title: 'x'.repeat(21), payload: 'P' }] })],
    ['an http (not https) url button', () => sendBody(bsid, { contentType: 'buttons', text: 'Go', buttons: [{ type: 'url', title: 'Site', url: 'http://bank.example/' }] })],
    ['a javascript: url', () => sendBody(bsid, { contentType: 'buttons', text: 'Go', buttons: [{ type: 'account_link', title: 'Link', url: 'javascript:alert(1)' }] })],
    ['an http url on a host merely starting with localhost', () => sendBody(bsid, { contentType: 'buttons', text: 'Go', buttons: [{ type: 'account_link', title: 'Link', url: 'http://localhost.evil.example/link' }] })],
    ['an http url with localhost as its user name', () => sendBody(bsid, { contentType: 'buttons', text: 'Go', buttons: [{ type: 'url', title: 'Site', url: 'http://localhost:80@evil.example/' }] })],
    ['an http url on a private address other than 127.0.0.1', () => sendBody(bsid, { contentType: 'buttons', text: 'Go', buttons: [{ type: 'account_link', title: 'Link', url: 'http://10.0.0.1/link' }] })],
    ['an amount as a float', () => sendBody(bsid, { ...balance, accounts: [{ ...account, balance: { amount: 12.5, currency: 'EUR' } }] })],
    ['an amount with 5 decimals', () => sendBody(bsid, { ...balance, accounts: [{ ...account, balance: { amount: '1.00001', currency: 'EUR' } }] })],
    ['an amount in exponent form', () => sendBody(bsid, { ...balance, accounts: [{ ...account, balance: { amount: '1e3', currency: 'EUR' } }] })],
    ['a lower-case currency', () => sendBody(bsid, { ...balance, accounts: [{ ...account, balance: { amount: '1.00', currency: 'eur' } }] })],
    ['a four-letter currency', () => sendBody(bsid, { ...balance, accounts: [{ ...account, balance: { amount: '1.00', currency: 'EURO' } }] })],
    ['an unknown template field', () => sendBody(bsid, { ...balance, colour: 'gold' })],
    ['an unknown field in an account', () => sendBody(bsid, { ...balance, accounts: [{ ...account, iban: 'DE89370400440532013000' }] })],
    ['a mask that is not 4 digits', () => sendBody(bsid, { ...balance, accounts: [{ ...account, mask: '12345' }] })],
    ['21 accounts', () => sendBody(bsid, { ...balance, accounts: Array.from({ length: 21 }, () => account) })],
    ['a date that is not ISO', () => sendBody(bsid, { contentType: 'template.transactions', transactions: [{ date: '02/11/2026', merchant: 'Shop', amount: { amount: '-1', currency: 'EUR' }, status: 'booked' }] })],
    ['an unknown transaction status', () => sendBody(bsid, { contentType: 'template.transactions', transactions: [{ date: '2026-11-02', merchant: 'Shop', amount: { amount: '-1', currency: 'EUR' }, status: 'cleared' }] })],
    ['a receipt without a total', () => sendBody(bsid, { contentType: 'template.receipt', title: 'R', items: [{ label: 'A', amount: { amount: '1', currency: 'EUR' } }] })],
    ['an unknown content type', () => sendBody(bsid, { contentType: 'template.generic', text: 'hi' })],
    ['a postback from the bank', () => sendBody(bsid, { contentType: 'postback', title: 'Yes', payload: 'YES' })],
    ['an unknown messaging type', () => sendBody(bsid, { contentType: 'text', text: 'hi' }, 'MARKETING')],
    ['an unknown top-level field', () => ({ ...sendBody(bsid, { contentType: 'text', text: 'hi' }), tag: 'x' })],
    ['no recipient', () => ({ messagingType: 'RESPONSE', content: { contentType: 'text', text: 'hi' } })],
    ['a malformed BSID', () => sendBody('person-1', { contentType: 'text', text: 'hi' })],
  ];

  it.each(badBodies)('refuses %s with 400 ERR_VALIDATION and stores nothing', async (_name, body) => {
    const before = (await history(t.app, person, conversation.id)).messages.length;
    const response = await sendApi(t.app, key.secret, body());
    expect(response.statusCode).toBe(400);
    expect(codeOf(response)).toBe('ERR_VALIDATION');
    expect((await history(t.app, person, conversation.id)).messages).toHaveLength(before);
  });

  it('accepts http url and account_link buttons on localhost and 127.0.0.1 (a bank in development), as sent', async () => {
    const content = {
      contentType: 'buttons',
      text: 'Link your account',
      buttons: [
        { type: 'account_link', title: 'Link account', url: 'http://localhost:4000/link?token=abc' },
        { type: 'url', title: 'Help', url: 'http://127.0.0.1:4000/help' },
        { type: 'url', title: 'Home', url: 'http://localhost' },
      ],
    };
    const sent = await sendOk(t.app, key.secret, sendBody(bsid, content));
    const stored = (await history(t.app, person, conversation.id)).messages.find((message) => message.seq === sent.seq);
    expect(stored?.content).toEqual(content);
    await socket.take('message', (frame) => frame.message.seq === sent.seq);
  });

  it('refuses a body over 64 KiB with 413, broken JSON with 400 ERR_BAD_JSON, and a missing Idempotency-Key with 400', async () => {
    const oversized = await sendApi(t.app, key.secret, sendBody(bsid, { contentType: 'text', text: 'x'.repeat(70_000) }));
    expect([oversized.statusCode, codeOf(oversized)]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE']);
    const broken = await sendApi(t.app, key.secret, '{"recipient": {');
    expect([broken.statusCode, codeOf(broken)]).toEqual([400, 'ERR_BAD_JSON']);
    const keyless = await sendApi(t.app, key.secret, sendBody(bsid, { contentType: 'text', text: 'hi' }), null);
    expect([keyless.statusCode, codeOf(keyless)]).toEqual([400, 'ERR_VALIDATION']);
    expect(keyless.json()).toMatchObject({ error: { message: expect.stringContaining('idempotency-key') } });
    const tooLong = await sendApi(t.app, key.secret, sendBody(bsid, { contentType: 'text', text: 'hi' }), 'k'.repeat(256));
    expect([tooLong.statusCode, codeOf(tooLong)]).toEqual([400, 'ERR_VALIDATION']);
  });

  it('lets a person send text and postbacks, and nothing a bank sends, over the socket and over HTTP', async () => {
    const receipt = everyBusinessContent.find((content) => content.contentType === 'template.receipt')!;
    const forged = clientId();
    socket.send({ type: 'send', clientId: forged, conversationId: conversation.id, content: receipt });
    const refused = await socket.take('error', (frame) => frame.ref === forged);
    expect(refused.code).toBe('ERR_VALIDATION');
    const overHttp = await personSays(t.app, person, conversation.id, { contentType: 'quick_replies', text: 'x', quickReplies: [{ title: 'a', payload: 'b' }] });
    expect([overHttp.statusCode, codeOf(overHttp)]).toEqual([400, 'ERR_VALIDATION']);

    const tap = clientId();
    socket.send({ type: 'send', clientId: tap, conversationId: conversation.id, content: { contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' } });
    const ack = await socket.take('ack', (frame) => frame.clientId === tap);
    const said = await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'thanks' });
    expect(said.statusCode).toBe(201);
    const messages = (await history(t.app, person, conversation.id)).messages;
    expect(messages.find((message) => message.seq === ack.seq)).toMatchObject({ sender: 'person', content: { contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' } });
    expect(messages.some((message) => message.sender === 'person' && message.content.contentType === 'template.receipt')).toBe(false);
  });

  it('is described in the OpenAPI document: the body schema with every content type and examples, the key header, the 201 answer', async () => {
    type Operation = {
      parameters: { in: string; name: string; required?: boolean }[];
      requestBody: {
        content: {
          'application/json': {
            schema: { properties: { content: { anyOf: { properties: { contentType: { enum: string[] } } }[] } } };
            examples: Record<string, { value: unknown }>;
          };
        };
      };
      responses: Record<string, unknown>;
    };
    const doc = (await t.app.inject('/openapi.json')).json() as { paths: Record<string, { post?: Operation }> };
    const operation = doc.paths['/v1/messages']?.post;
    expect(operation).toBeDefined();
    const { schema, examples } = operation!.requestBody.content['application/json'];
    expect(schema.properties.content.anyOf.map((member) => member.properties.contentType.enum[0])).toEqual(everyBusinessContent.map((c) => c.contentType));
    expect(Object.values(examples).map((example) => example.value)).toContainEqual(expect.objectContaining({ content: expect.objectContaining({ contentType: 'template.balance' }) }));
    expect(operation!.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }));
    expect(Object.keys(operation!.responses)).toContain('201');
  });
});
