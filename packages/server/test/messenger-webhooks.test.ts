import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Business, Conversation, CreatedApiKey, CreatedWebhookEndpoint, WebhookEndpointList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, bearer, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { personSays, sendBody, sendOk } from './send-fixtures';
import { startReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhooks-fixtures';
import type { WebhookDeliveryList } from '@parley/protocol';

// A Messenger bot's webhook, moved to Parley: verified by the hub.challenge handshake, fed
// Messenger-shaped bodies, and checking X-Hub-Signature-256 exactly as Messenger bots do.

/** What a Messenger bot's webhook does with a GET: echo hub.challenge when the verify token is its own. */
function echoChallenge(verifyToken: string) {
  return (hit: ReceivedWebhook) => {
    const query = new URL(hit.url, 'http://bot').searchParams;
    if (query.get('hub.mode') === 'subscribe' && query.get('hub.verify_token') === verifyToken) return { status: 200, body: query.get('hub.challenge') ?? '' };
    return { status: 200, body: 'EVENT_RECEIVED' };
  };
}

/** A Messenger bot's signature check, as the Messenger docs write it. */
function verifiedByBot(hit: ReceivedWebhook, appSecret: string): boolean {
  const header = String(hit.headers['x-hub-signature-256'] ?? '');
  const [scheme, signature = ''] = header.split('=');
  const expected = createHmac('sha256', appSecret).update(hit.body).digest('hex');
  return scheme === 'sha256' && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

describe.each(dialects)('Messenger-mode webhook endpoints on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bot: WebhookReceiver;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;
  let endpoint: CreatedWebhookEndpoint;

  const register = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: bearer(key.secret), payload: body });
  const posts = () => bot.received.filter((hit) => hit.body !== '');

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken, webhookAllowPrivate: true, webhookTimeoutMs: 2_000 } });
    store = await openStore(t.config);
    bot = await startReceiver('/messenger/webhook');
    bot.answer = echoChallenge('my-verify-token');
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send', 'webhooks:manage']);
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    const response = await register({ url: bot.url, eventTypes: ['message.created', 'postback'], mode: 'messenger', verifyToken: 'my-verify-token' });
    expect(response.statusCode, response.body).toBe(201);
    endpoint = response.json() as CreatedWebhookEndpoint;
  });
  afterAll(async () => {
    await bot?.close();
    await store?.close();
    await t?.close();
  });

  it('registers only after the endpoint echoed hub.challenge to a GET carrying the verify token', () => {
    expect(endpoint.mode).toBe('messenger');
    const [handshake] = bot.received;
    const query = new URL(handshake?.url ?? '', 'http://bot').searchParams;
    expect(query.get('hub.mode')).toBe('subscribe');
    expect(query.get('hub.verify_token')).toBe('my-verify-token');
    expect(query.get('hub.challenge')?.length).toBeGreaterThan(10);
  });

  it('refuses an endpoint that does not echo the challenge, and does not register it', async () => {
    const response = await register({ url: bot.url, eventTypes: ['message.created'], mode: 'messenger', verifyToken: 'not-the-bots-token' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_WEBHOOK_VERIFY_FAILED' } });
    const listed = (await t.app.inject({ url: '/v1/webhooks/endpoints', headers: bearer(key.secret) })).json() as WebhookEndpointList;
    expect(listed.endpoints.map((e) => e.id)).toEqual([endpoint.id]);
  });

  it('refuses event types Messenger has no shape for, and a missing verify token', async () => {
    expect((await register({ url: bot.url, eventTypes: ['standby'], mode: 'messenger', verifyToken: 'my-verify-token' })).statusCode).toBe(400);
    expect((await register({ url: bot.url, eventTypes: ['message.created'], mode: 'messenger' })).statusCode).toBe(400);
  });

  it('delivers a person\'s message Messenger-shaped, signed with X-Hub-Signature-256', async () => {
    const before = posts().length;
    const said = await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'What is my balance?' });
    expect(said.statusCode).toBeLessThan(300);
    await t.app.webhooks.flush();
    const hit = posts().at(before);
    expect(hit).toBeDefined();
    if (!hit) return;
    expect(verifiedByBot(hit, endpoint.secret)).toBe(true);
    expect(verifiedByBot({ ...hit, body: hit.body.replace('balance', 'Balance') }, endpoint.secret)).toBe(false);
    const body = JSON.parse(hit.body) as { object: string; entry: { id: string; time: number; messaging: Record<string, unknown>[] }[] };
    expect(body.object).toBe('page');
    expect(body.entry).toHaveLength(1);
    expect(body.entry[0]?.id).toBe(bank.id);
    const { seq } = said.json() as { seq: number };
    expect(body.entry[0]?.messaging).toEqual([
      { sender: { id: bsid }, recipient: { id: bank.id }, timestamp: expect.any(Number), message: { mid: `m_${conversation.id}.${seq}`, text: 'What is my balance?' } },
    ]);
  });

  it('delivers a tapped quick reply as a Messenger postback', async () => {
    await sendOk(t.app, key.secret, sendBody(bsid, { contentType: 'quick_replies', text: 'Show what?', quickReplies: [{ title: 'Balance', payload: 'SHOW_BALANCE' }] }));
    const before = posts().length;
    const tapped = await personSays(t.app, person, conversation.id, { contentType: 'postback', title: 'Balance', payload: 'SHOW_BALANCE' });
    expect(tapped.statusCode).toBeLessThan(300);
    await t.app.webhooks.flush();
    const hit = posts().at(before);
    if (!hit) throw new Error('no postback reached the bot');
    expect(verifiedByBot(hit, endpoint.secret)).toBe(true);
    const body = JSON.parse(hit.body) as { entry: { messaging: { sender: { id: string }; postback?: unknown }[] }[] };
    expect(body.entry[0]?.messaging[0]?.sender).toEqual({ id: bsid });
    expect(body.entry[0]?.messaging[0]?.postback).toEqual({ mid: expect.stringMatching(/^m_/), title: 'Balance', payload: 'SHOW_BALANCE' });
  });

  it('retries a failed Messenger-mode delivery through the same outbox, then delivers it', async () => {
    bot.answer = (hit) => (hit.body === '' ? echoChallenge('my-verify-token')(hit) : { status: 500, body: 'down' });
    await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'Anyone there?' });
    await t.app.webhooks.flush();
    const listed = async () =>
      ((await t.app.inject({ url: `/v1/webhooks/deliveries?endpointId=${endpoint.id}`, headers: bearer(key.secret) })).json() as WebhookDeliveryList).deliveries;
    const [failed] = await listed();
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, eventType: 'message.created' });
    bot.answer = echoChallenge('my-verify-token');
    const replay = await t.app.inject({ method: 'POST', url: `/v1/webhooks/deliveries/${failed?.id}/replay`, headers: bearer(key.secret) });
    expect(replay.statusCode).toBeLessThan(300);
    await t.app.webhooks.flush();
    expect((await listed()).find((d) => d.id === failed?.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    const last = posts().at(-1);
    expect(last && verifiedByBot(last, endpoint.secret)).toBe(true);
    expect(last?.body).toContain('Anyone there?');
  });
});
