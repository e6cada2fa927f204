import { randomUUID } from 'node:crypto';
import type { AlertApiResult, Business, Conversation, CreatedApiKey, CreatedWebhookEndpoint, Message, ServerFrame, WebhookEvent } from '@parley/protocol';
import { verifyWebhook } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertBody } from './alerts-fixtures';
import { adminToken } from './business-fixtures';
import { dialects, freshStore } from './context';
import { openPersonSocket, requestAs, signUpOverHttp, startServerProcess, type ServerProcess } from './server-process';
import { headersOf, startReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhooks-fixtures';

// Parley is SIGKILLed while alerts it accepted (201) wait for a person with no socket open, while
// more alerts are arriving, and while the bank's endpoint still holds answers' webhooks open.
// After a cold restart on the same store, every accepted alert reaches the person on resume
// exactly once, and every answer reaches the bank under one webhook-id.

const acceptedFirst = 10;
const answeredFirst = 5;
const burst = 24;
/** Kill once this many of the burst were accepted: the rest are in flight or not sent yet. */
const killAfter = 10;

async function call<T>(baseUrl: string, path: string, options: { auth: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${options.auth}`, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const eventOf = (hit: ReceivedWebhook): WebhookEvent => JSON.parse(hit.body) as WebhookEvent;

/** Resume from the start of the conversation; every message replayed before `resumed`. */
async function replay(wsUrl: string, cookie: string, conversationId: string): Promise<Message[]> {
  const socket = await openPersonSocket(wsUrl, cookie);
  const messages: Message[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no resumed frame')), 20_000);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === 'message') messages.push(frame.message);
      if (frame.type !== 'resumed') return;
      clearTimeout(timer);
      resolve();
    });
  });
  socket.send(JSON.stringify({ type: 'resume', conversations: [{ conversationId, lastSeq: 0 }] }));
  await done;
  socket.close();
  return messages;
}

describe.each(dialects)('alerts across a crash on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let server: ServerProcess | undefined;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    store = await freshStore(dialect);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await store?.drop();
  });

  it('delivers each accepted alert once on resume after a SIGKILL, and each answer to the bank under one webhook-id', { timeout: 180_000 }, async () => {
    server = await startServerProcess({
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      // A short attempt timeout keeps the lease of the webhook posts the crash cuts off short.
      env: { PARLEY_ADMIN_TOKEN: adminToken, PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1', PARLEY_WEBHOOK_TIMEOUT_MS: '2000' },
    });
    const { baseUrl, wsUrl } = server;
    const person = await signUpOverHttp(baseUrl, 'Alice');
    const bank = (await requestAs<{ businesses: Business[] }>(baseUrl, person, { path: '/v1/businesses' })).body.businesses.find((b) => b.slug === 'sandbox-bank');
    if (!bank) throw new Error('no Sandbox Bank');
    const key = (await call<CreatedApiKey>(baseUrl, `/v1/admin/businesses/${bank.id}/keys`, { auth: adminToken, body: { name: 'bot', scopes: ['alerts:send', 'webhooks:manage'] } })).body;
    const endpoint = (await call<CreatedWebhookEndpoint>(baseUrl, '/v1/webhooks/endpoints', { auth: key.secret, body: { url: receiver.url, eventTypes: ['conversation.started', 'alert.answered'] } }))
      .body;
    let crashed = false;
    // Before the crash the bank holds every alert.answered open: Parley has sent it, and not heard back.
    receiver.answer = (hit) => (!crashed && eventOf(hit).type === 'alert.answered' ? 'hang' : { status: 200, body: 'ok' });

    const conversation = (await requestAs<Conversation>(baseUrl, person, { method: 'POST', path: '/v1/conversations', body: { businessId: bank.id } })).body;
    await receiver.waitFor(1);
    const started = eventOf(receiver.received[0]!);
    if (started.type !== 'conversation.started') throw new Error(`expected conversation.started, got ${started.type}`);
    const { bsid } = started.data;
    expect((await requestAs(baseUrl, person, { method: 'PUT', path: `/v1/alert-preferences/${bank.id}`, body: { kinds: { card_transaction_review: true } } })).status).toBe(200);

    const post = (n: number) => call<AlertApiResult>(baseUrl, '/v1/alerts', { auth: key.secret, body: alertBody(bsid, { headline: `Alert ${n}: did you just spend €842.10?` }), headers: { 'idempotency-key': randomUUID() } });
    const accepted: string[] = [];
    for (let n = 0; n < acceptedFirst; n++) {
      const answer = await post(n);
      expect(answer.status).toBe(201);
      accepted.push(answer.body.alertId);
    }
    const answered = accepted.slice(0, answeredFirst);
    for (const alertId of answered) {
      expect((await requestAs(baseUrl, person, { method: 'POST', path: `/v1/alerts/${alertId}/answers`, body: { actionId: 'confirm' } })).status).toBe(201);
    }
    await until('an answer in flight to the bank', () => receiver.received.some((hit) => eventOf(hit).type === 'alert.answered'), 20_000);

    let killing: Promise<void> | undefined;
    const inBurst = await Promise.allSettled(
      Array.from({ length: burst }, async (_, n) => {
        const answer = await post(acceptedFirst + n);
        if (answer.status !== 201) throw new Error(`alert refused: ${answer.status}`);
        accepted.push(answer.body.alertId);
        if (accepted.length >= acceptedFirst + killAfter) killing ??= server!.kill();
      }),
    );
    await (killing ?? server.kill());
    crashed = true;
    expect(inBurst.filter((outcome) => outcome.status === 'fulfilled').length).toBeGreaterThanOrEqual(killAfter);
    await server.restart();

    const messages = await replay(wsUrl, person.cookie, conversation.id);
    const cards = messages.flatMap((m) => (m.content.contentType === 'alert' ? [m.content.alertId] : []));
    expect(new Set(cards).size).toBe(cards.length);
    expect(cards).toEqual(expect.arrayContaining(accepted));
    const answers = messages.flatMap((m) => (m.content.contentType === 'alert_answer' ? [m.content.alertId] : []));
    expect(answers.sort()).toEqual([...answered].sort());

    const webhookIds = new Map<string, Set<string>>();
    await until(
      'every answer at the bank',
      () => {
        for (const hit of receiver.received) {
          const event = verifyWebhook(headersOf(hit), hit.body, [endpoint.secret]);
          if (event.type !== 'alert.answered') continue;
          expect(event.data).toMatchObject({ bsid, actionId: 'confirm', conversationId: conversation.id });
          webhookIds.set(event.data.alertId, (webhookIds.get(event.data.alertId) ?? new Set()).add(hit.id));
        }
        return webhookIds.size === answered.length;
      },
      60_000,
    );
    expect([...webhookIds.keys()].sort()).toEqual([...answered].sort());
    for (const ids of webhookIds.values()) expect(ids.size).toBe(1);
  });
});
