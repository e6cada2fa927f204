import type { Business, Conversation, CreatedApiKey } from '@parley/protocol';
import { ParleyApiError, ParleyClient, ParleyConnectionError } from '@parley/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { startFaultyProxy, type FaultyProxy } from './sdk-fixtures';
import { history, personSays } from './send-fixtures';
import { startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The SDK's client against a real Parley on a real port, through a proxy that loses answers and
// throttles on purpose: retries reuse the Idempotency-Key, so a message is stored once.

const text = (words: string) => ({ contentType: 'text' as const, text: words });
const errorBody = (code: string) => JSON.stringify({ error: { code, message: code } });

describe.each(dialects)('the SDK client on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let proxy: FaultyProxy;
  let receiver: WebhookReceiver;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;
  let parley: ParleyClient;

  const stored = async (words: string) =>
    (await history(t.app, person, conversation.id)).messages.filter((m) => m.content.contentType === 'text' && m.content.text === words);

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    store = await openStore(t.config);
    proxy = await startFaultyProxy(t.baseUrl);
    receiver = await startReceiver();
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send', 'webhooks:manage']);
    conversation = await openBankConversation(t.app, person);
    // The person writes, so the 24 h window for RESPONSE is open.
    expect((await personSays(t.app, person, conversation.id, text('Hello bank'))).statusCode).toBe(201);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    parley = new ParleyClient({ baseUrl: proxy.url, apiKey: key.secret, backoffMs: 20 });
  });
  beforeEach(() => {
    proxy.requests.length = 0;
    proxy.plans.length = 0;
  });
  afterAll(async () => {
    await parley?.close();
    await proxy?.close();
    await receiver?.close();
    await store?.close();
    await t?.close();
  });

  it('sends a message that lands in the person\'s history, from the business', async () => {
    const result = await new ParleyClient({ baseUrl: t.baseUrl, apiKey: key.secret }).sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Straight to Parley') });
    const [message, ...more] = await stored('Straight to Parley');
    expect(more).toHaveLength(0);
    expect(message).toMatchObject({ seq: result.seq, sender: 'business', sentAt: result.sentAt });
    expect(result.conversationId).toBe(conversation.id);
  });

  it('retries a lost answer with the same Idempotency-Key: one message stored, the client gets the 201 body', async () => {
    proxy.plans.push('drop');
    const result = await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Lost on the way back') });
    expect(proxy.requests).toHaveLength(2);
    const [first, second] = proxy.requests;
    expect(first!.upstreamStatus).toBe(201);
    expect(second!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.upstreamHeaders?.['idempotent-replayed']).toBe('true');
    const messages = await stored('Lost on the way back');
    expect(messages).toHaveLength(1);
    expect(result).toEqual({ conversationId: conversation.id, seq: messages[0]!.seq, sentAt: messages[0]!.sentAt });
  });

  it('uses the caller\'s Idempotency-Key, and a fresh one per call without it', async () => {
    await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Keyed once') }, { idempotencyKey: 'order-42-confirmation' });
    await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Keyed once') }, { idempotencyKey: 'order-42-confirmation' });
    expect(await stored('Keyed once')).toHaveLength(1);
    await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Twice on purpose') });
    await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Twice on purpose') });
    expect(await stored('Twice on purpose')).toHaveLength(2);
    expect(proxy.requests[2]!.headers['idempotency-key']).not.toBe(proxy.requests[3]!.headers['idempotency-key']);
  });

  it('throws ParleyApiError with our code for bad content, and does not retry it', async () => {
    const quickReplies = Array.from({ length: 14 }, (_, i) => ({ title: `Option ${i}`, payload: `P${i}` }));
    const error = await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: { contentType: 'quick_replies', text: 'Too many', quickReplies } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyApiError);
    expect(error).toMatchObject({ status: 400, code: 'ERR_VALIDATION' });
    expect((error as ParleyApiError).message).toMatch(/13/);
    expect(proxy.requests).toHaveLength(1);
  });

  it('does not retry a refusal by a rule either (another business\'s or an unknown BSID is 404)', async () => {
    const error = await parley.sendMessage({ bsid: 'bsid_nobodyatall', messagingType: 'RESPONSE', content: text('Nobody') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ParleyApiError', status: 404, code: 'ERR_NOT_FOUND' });
    expect(proxy.requests).toHaveLength(1);
  });

  it('waits for Retry-After on a 429, then sends again with the same key', async () => {
    proxy.plans.push({ status: 429, headers: { 'retry-after': '1' }, body: errorBody('ERR_RATE_LIMITED') });
    const result = await parley.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('After the throttle') });
    expect(proxy.requests).toHaveLength(2);
    const [first, second] = proxy.requests;
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    // A lower bound only: the client waited the second it was told to (the backoff alone is ~20 ms).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect((await stored('After the throttle')).map((m) => m.seq)).toEqual([result.seq]);
  });

  it('retries 5xx at most maxRetries times, then throws the last answer', async () => {
    const client = new ParleyClient({ baseUrl: proxy.url, apiKey: key.secret, maxRetries: 2, backoffMs: 5 });
    for (let i = 0; i < 3; i++) proxy.plans.push({ status: 503, body: errorBody('ERR_UNAVAILABLE') });
    const error = await client.sendMessage({ bsid, messagingType: 'RESPONSE', content: text('Never arrives') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ParleyApiError', status: 503, code: 'ERR_UNAVAILABLE' });
    expect(proxy.requests).toHaveLength(3);
    expect(new Set(proxy.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(await stored('Never arrives')).toHaveLength(0);
    await client.close();
  });

  it('does not repeat a POST that has no Idempotency-Key after a 5xx or a lost answer, only after a 429', async () => {
    proxy.plans.push({ status: 502, body: '<html>bad gateway</html>' });
    const gateway = await parley.takeThreadControl(conversation.id).catch((e: unknown) => e);
    expect(gateway).toMatchObject({ name: 'ParleyApiError', status: 502, code: 'ERR_UNKNOWN' });
    proxy.plans.push('drop');
    expect(await parley.takeThreadControl(conversation.id).catch((e: unknown) => e)).toBeInstanceOf(ParleyConnectionError);
    expect(proxy.requests).toHaveLength(2);
    // The lost answer was a success: the inbox owns the thread now.
    proxy.plans.push({ status: 429, headers: { 'retry-after': '0' }, body: errorBody('ERR_RATE_LIMITED') });
    expect(await parley.returnThreadControl(conversation.id, 'Back to the bot')).toEqual({ conversationId: conversation.id, owner: 'bot' });
    expect(proxy.requests).toHaveLength(4);
  });

  it('gives up on an attempt that gets no answer in timeoutMs, and on a port nobody listens on', async () => {
    const client = new ParleyClient({ baseUrl: proxy.url, apiKey: key.secret, maxRetries: 1, timeoutMs: 300, backoffMs: 5 });
    proxy.plans.push('hang', 'hang');
    const error = await client.getMenu().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyConnectionError);
    expect((error as Error).message).toMatch(/after 2 attempt/);
    expect(proxy.requests).toHaveLength(2);
    await client.close();

    const gone = await startFaultyProxy(t.baseUrl);
    await gone.close();
    const nobody = new ParleyClient({ baseUrl: gone.url, apiKey: key.secret, maxRetries: 2, backoffMs: 5 });
    await expect(nobody.getMenu()).rejects.toThrow(/after 3 attempt/);
    await nobody.close();
  });

  it('covers the rest of the Business API: bsids, handover, menu, webhooks and deliveries', async () => {
    expect(await parley.describeBsid(bsid)).toEqual({ bsid, conversationId: conversation.id });
    expect(await parley.passThreadControl(conversation.id, 'Card dispute')).toEqual({ conversationId: conversation.id, owner: 'inbox' });
    await expect(parley.takeThreadControl(conversation.id)).rejects.toMatchObject({ status: 409, code: 'ERR_CONFLICT' });
    expect(await parley.returnThreadControl(conversation.id)).toEqual({ conversationId: conversation.id, owner: 'bot' });

    const menu = { getStarted: { title: 'Get started', payload: 'GET_STARTED' }, persistentMenu: [{ type: 'postback' as const, title: 'My balance', payload: 'BALANCE' }] };
    expect(await parley.setMenu(menu)).toEqual(menu);
    expect(await parley.getMenu()).toEqual(menu);
    await parley.deleteMenu();
    expect(await parley.getMenu()).toEqual({ getStarted: null, persistentMenu: [] });

    await expect(parley.createWebhookEndpoint({ url: 'ftp://bank.example/hooks', eventTypes: ['postback'] })).rejects.toMatchObject({ status: 422, code: 'ERR_WEBHOOK_URL_FORBIDDEN' });
    const endpoint = await parley.createWebhookEndpoint({ url: receiver.url, eventTypes: ['postback'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await parley.listWebhookEndpoints()).endpoints.map((e) => e.id)).toEqual([endpoint.id]);
    const rotated = await parley.rotateWebhookSecret(endpoint.id);
    expect(rotated.secret).not.toBe(endpoint.secret);
    const queued = await parley.sendTestWebhook(endpoint.id);
    const listed = await parley.listDeliveries({ endpointId: endpoint.id, limit: 10 });
    expect(listed.deliveries.map((d) => d.id)).toContain(queued.deliveryId);
    await receiver.waitFor(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'webhook.test', data: { endpointId: endpoint.id } });
    expect((await parley.replayDelivery(queued.deliveryId)).id).toBe(queued.deliveryId);
    await receiver.waitFor(2);
    expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id);
    await parley.deleteWebhookEndpoint(endpoint.id);
    expect((await parley.listWebhookEndpoints()).endpoints).toEqual([]);
    await expect(parley.deleteWebhookEndpoint(endpoint.id)).rejects.toMatchObject({ status: 404, code: 'ERR_NOT_FOUND' });
  });
});
