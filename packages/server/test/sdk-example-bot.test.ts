import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Conversation, CreatedApiKey, CreatedWebhookEndpoint, HistoryPage } from '@parley/protocol';
import { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createKey } from './business-fixtures';
import { createTestApp, dialects, freePort, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { history, personSays } from './send-fixtures';
import { registerEndpoint } from './webhooks-fixtures';

// The example bot of the SDK's README, run as its own process exactly as a bank would run it,
// against real, signed webhook deliveries from a real Parley.

const sdkDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sdk');
const botFile = path.join(sdkDir, 'src/examples/bot.ts');

type Message = HistoryPage['messages'][number];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the README', () => {
  it('shows the example bot that these tests run, verbatim', () => {
    const readme = fs.readFileSync(path.join(sdkDir, 'README.md'), 'utf8');
    expect(readme).toContain(fs.readFileSync(botFile, 'utf8').trim());
  });
});

describe.each(dialects)('the README\'s example bot on %s', (dialect) => {
  let t: TestApp;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let endpoint: CreatedWebhookEndpoint;
  let botUrl: string;
  let bot: ChildProcess;
  let output = '';

  const businessMessages = async (): Promise<Message[]> =>
    (await history(t.app, person, conversation.id)).messages.filter((m) => m.sender === 'business');
  async function answerAfter(count: number): Promise<Message> {
    return until(`answer #${count + 1} (bot said: ${output})`, async () => {
      await t.app.webhooks.flush();
      return (await businessMessages())[count];
    });
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken, webhookAllowPrivate: true } });
    person = await signUpPerson(t.app);
    const bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send', 'webhooks:manage']);
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}/`;
    endpoint = await registerEndpoint(t.app, key.secret, { url: botUrl, eventTypes: ['message.created', 'postback'] });
    const env = { ...process.env, PARLEY_URL: t.baseUrl, PARLEY_API_KEY: key.secret, PARLEY_WEBHOOK_SECRET: endpoint.secret, PORT: String(port) };
    bot = spawn(process.execPath, ['--import', 'tsx', botFile], { env, cwd: sdkDir, stdio: ['ignore', 'pipe', 'pipe'] });
    bot.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(`the bot to listen (it said: ${output})`, async () => (output.includes('bot listening') ? true : undefined));
    conversation = await openBankConversation(t.app, person);
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) {
      const exited = new Promise((resolve) => bot.once('exit', resolve));
      bot.kill('SIGTERM');
      await exited;
    }
    await t?.close();
  });

  it('answers "balance" with a balance card, once, even when Parley delivers the event again', async () => {
    const before = (await businessMessages()).length;
    expect((await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'Balance' })).statusCode).toBe(201);
    const answer = await answerAfter(before);
    expect(answer.content).toMatchObject({ contentType: 'template.balance', accounts: [{ name: 'Everyday account', balance: { amount: '1520.35', currency: 'EUR' } }] });

    const parley = new ParleyClient({ baseUrl: t.baseUrl, apiKey: key.secret });
    const delivery = (await parley.listDeliveries({ limit: 200 })).deliveries.find((d) => d.eventType === 'message.created' && d.status === 'delivered');
    expect(delivery).toBeDefined();
    await parley.replayDelivery(delivery!.id);
    await until('the replay', async () => {
      await t.app.webhooks.flush();
      const again = (await parley.listDeliveries({ limit: 200 })).deliveries.find((d) => d.id === delivery!.id);
      return again && again.status === 'delivered' && again.attempts > delivery!.attempts ? again : undefined;
    });
    expect((await businessMessages()).length).toBe(before + 1);
    await parley.close();
  });

  it('does not answer other text', async () => {
    const before = (await businessMessages()).length;
    await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'Hello there' });
    await personSays(t.app, person, conversation.id, { contentType: 'text', text: 'balance' });
    const answer = await answerAfter(before);
    expect(answer.content.contentType).toBe('template.balance');
    expect((await businessMessages()).length).toBe(before + 1);
  });

  it('answers postbacks: BALANCE with the card, anything else by naming the choice', async () => {
    const before = (await businessMessages()).length;
    await personSays(t.app, person, conversation.id, { contentType: 'postback', title: 'Card help', payload: 'CARD_HELP' });
    expect((await answerAfter(before)).content).toEqual({ contentType: 'text', text: 'You chose “Card help”.' });
    await personSays(t.app, person, conversation.id, { contentType: 'postback', title: 'My balance', payload: 'BALANCE' });
    expect((await answerAfter(before + 1)).content.contentType).toBe('template.balance');
  });

  it('refuses a webhook that Parley did not sign', async () => {
    const body = JSON.stringify({ type: 'postback', timestamp: new Date().toISOString(), data: { bsid: 'bsid_forged', conversationId: conversation.id, seq: 1, title: 'x', payload: 'BALANCE' } });
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_forgedforged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' };
    expect((await fetch(botUrl, { method: 'POST', headers, body })).status).toBe(400);
  });
});
