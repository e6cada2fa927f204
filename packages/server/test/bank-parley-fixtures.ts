import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Conversation, CreatedApiKey, CreatedWebhookEndpoint, Message, MessageContent } from '@parley/protocol';
import { ParleyClient } from '@parley/sdk';
import { buildBank, type SandboxBank } from '../../sandbox-bank/src/bank';
import { botEventTypes, webhookPath } from '../../sandbox-bank/src/bot';
import { loadBankConfig } from '../../sandbox-bank/src/platform/config';
import { freePort } from '../../sandbox-bank/test/bank-fixtures';
import { bsidFor } from '../src/business';
import { runCli } from '../src/cli/main';
import type { Clock } from '../src/platform/clock';
import { adminToken, createKey, openStore } from './business-fixtures';
import { createTestApp, type TestApp } from './context';
import { signUpWithPasskey } from './identity-fixtures';
import { clientId, connect, openBankConversation, sandboxBank, textSend, type TestSocket } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import type { SoftwareAuthenticator } from './webauthn-authenticator';

// A real Parley and a real Sandbox Bank whose bot talks to it only over HTTP (its API key and a
// registered webhook endpoint), and people chatting with the bank over real WebSockets.
// This file stays free of vitest imports, like webhooks-fixtures.ts.

/** How long a test waits for the bot: a webhook delivery, the bank's work and a Send API call. */
const answerTimeoutMs = 20_000;

export interface BankParley {
  readonly t: TestApp;
  readonly bank: SandboxBank & { readonly url: string };
  /** The bank's key at Parley (messages:send, alerts:send, webhooks:manage) and its webhook endpoint. */
  readonly key: CreatedApiKey;
  readonly endpoint: CreatedWebhookEndpoint;
  /** A Business API client with the bank's key, for what a test checks at Parley. */
  readonly parley: ParleyClient;
  readonly bankBusinessId: string;
  /**
   * A new person who opens a conversation with the bank, connected over a WebSocket; with
   * `passkey`, they sign up with a passkey on that software authenticator (for step-up).
   */
  newChat(name?: string, options?: { passkey?: SoftwareAuthenticator }): Promise<BankChat>;
  /** A new chat, past the bot's greeting (which is returned). */
  greetedChat(options?: { passkey?: SoftwareAuthenticator }): Promise<{ chat: BankChat; greeting: Message }>;
  close(): Promise<void>;
}

export interface BankChat {
  readonly person: TestPerson;
  readonly conversation: Conversation;
  readonly socket: TestSocket;
  readonly bsid: string;
  /** The person types text; resolves once Parley has stored it. */
  say(text: string): Promise<number>;
  /** The person taps a quick reply, button or menu item. */
  tap(payload: string, title?: string): Promise<number>;
  /** The next message of the bank in this chat, over the socket, in order. */
  nextBankMessage(): Promise<Message>;
  /** Every bank message that has arrived and not been taken yet (after a socket round trip). */
  pendingBankMessages(): Promise<Message[]>;
}

async function sendAndAck(socket: TestSocket, frame: ReturnType<typeof textSend> | { type: 'send'; clientId: string; conversationId: string; content: MessageContent }): Promise<number> {
  socket.send(frame);
  const ack = await socket.take('ack', (a) => a.clientId === frame.clientId);
  return ack.seq;
}

function chatOf(input: { person: TestPerson; conversation: Conversation; socket: TestSocket; bsid: string }): BankChat {
  const { socket, conversation } = input;
  const fromBank = (frame: { type: 'message'; message: Message }) => frame.message.conversationId === conversation.id && frame.message.sender === 'business';
  const pending: Message[] = [];
  return {
    ...input,
    say: (text) => sendAndAck(socket, textSend(conversation.id, text)),
    tap: (payload, title = payload.slice(0, 30)) => sendAndAck(socket, { type: 'send', clientId: clientId(), conversationId: conversation.id, content: { contentType: 'postback', title, payload } }),
    async nextBankMessage() {
      const queued = pending.shift();
      if (queued) return queued;
      const deadline = Date.now() + answerTimeoutMs;
      for (;;) {
        try {
          return (await socket.take('message', fromBank)).message;
        } catch (error) {
          // take() gives up after 5 s; the bot may take longer on a busy machine.
          if (Date.now() > deadline) throw error;
        }
      }
    },
    async pendingBankMessages() {
      const frames = await socket.quiet();
      const messages = frames.filter((f): f is Extract<typeof f, { type: 'message' }> => f.type === 'message' && fromBank(f)).map((f) => f.message);
      // quiet() takes every frame; keep the bank's for nextBankMessage.
      pending.push(...messages);
      return [...pending];
    },
  };
}

/**
 * Parley (SQLite, listening, private webhook addresses allowed for the local bank) and the
 * Sandbox Bank with its bot: the bank's API key for the seeded `sandbox-bank` business, its
 * webhook endpoint registered through the SDK, and the bank built with that key and secret.
 * `parleyClock` is Parley's (the bank keeps real time, so webhook timestamps still verify until
 * the test moves Parley's clock far).
 */
export async function startBankParley(options: { parleyClock?: Clock; webDistDir?: string; linkable?: boolean } = {}): Promise<BankParley> {
  const deps = options.parleyClock ? { clock: options.parleyClock } : undefined;
  // webDistDir: browser tests have Parley serve the built web app too.
  const parleyConfig = { adminToken, webhookAllowPrivate: true, ...(options.webDistDir ? { webDistDir: options.webDistDir } : {}) };
  const t = await createTestApp('sqlite', { listen: true, config: parleyConfig, deps });
  const store = await openStore(t.config);
  const bankId = (await sandboxBank(t.app, await signUpPerson(t.app, 'Bank lookup'))).id;
  const key = await createKey(t.app, bankId, ['messages:send', 'alerts:send', 'webhooks:manage'], 'Sandbox Bank bot');
  const parley = new ParleyClient({ baseUrl: t.baseUrl, apiKey: key.secret });
  const port = await freePort();
  const endpoint = await parley.createWebhookEndpoint({ url: `http://127.0.0.1:${port}${webhookPath}`, eventTypes: [...botEventTypes] });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bank-bot-'));
  const config = loadBankConfig(
    { BANK_PORT: String(port), LOG_LEVEL: 'silent' },
    { dataDir, clients: options.linkable ? [parleyAsBankClient(t)] : [], publicUrl: new URL(`http://localhost:${port}`), parley: { url: t.baseUrl, apiKey: key.secret, webhookSecret: endpoint.secret } },
  );
  const built = await buildBank(config);
  await built.app.listen({ port, host: '127.0.0.1' });
  const bank = { ...built, url: `http://localhost:${port}` };
  if (options.linkable) await addInstitution(t, bank.url);
  const chats: BankChat[] = [];
  const world: BankParley = {
    t,
    bank,
    key,
    endpoint,
    parley,
    bankBusinessId: bankId,
    async newChat(name, options = {}) {
      const person = options.passkey ? await passkeyPerson(t, options.passkey, name) : await signUpPerson(t.app, name);
      const socket = await connect(t, person);
      const conversation = await openBankConversation(t.app, person);
      const bsid = await bsidFor(store.ctx, bankId, person.me.id);
      const chat = chatOf({ person, conversation, socket, bsid });
      chats.push(chat);
      return chat;
    },
    async greetedChat(options = {}) {
      const chat = await world.newChat(undefined, options);
      for (;;) {
        const message = await chat.nextBankMessage();
        // Parley's own stored greeting (seq 1, text) comes first; the bot's greeting follows.
        if (message.content.contentType !== 'text') return { chat, greeting: message };
      }
    },
    async close() {
      await Promise.all(chats.map((chat) => chat.socket.close()));
      await bank.close();
      await parley.close();
      await store.close();
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

async function passkeyPerson(t: TestApp, authenticator: SoftwareAuthenticator, name = 'Passkey Person'): Promise<TestPerson> {
  const { me, cookie, headers } = await signUpWithPasskey(t.app, authenticator, { displayName: name });
  return { me, cookie, csrfToken: me.csrfToken, headers };
}

/** `linkable`: the bank knows Parley as its OpenID client by jwks_uri, as in banking-fixtures.ts. */
function parleyAsBankClient(t: TestApp) {
  // Loopback by address: the bank's HTTP client may try ::1 first for "localhost", where Parley does not listen.
  const parleyLoopback = t.baseUrl.replace('localhost', '127.0.0.1');
  return {
    clientId: 'parley',
    name: 'Parley',
    jwksUri: `${parleyLoopback}/.well-known/jwks.json`,
    redirectUris: [`${t.baseUrl}/v1/links/callback`],
    eventsUrl: `${parleyLoopback}/v1/banking/events`,
  };
}

/** `linkable`: Parley knows the bank as an institution (`parley bank add`), on the seeded sandbox-bank business. */
async function addInstitution(t: TestApp, bankUrl: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { DATA_DIR: t.config.dataDir, LOG_LEVEL: 'silent' };
  let err = '';
  const args = ['bank', 'add', '--issuer', bankUrl, '--client-id', 'parley', '--ob-base-url', `${bankUrl}/open-banking/v4.0/aisp`, '--name', 'Sandbox Bank', '--json'];
  const code = await runCli(args, { env, stdout: () => undefined, stderr: (text) => (err += text) });
  if (code !== 0) throw new Error(`parley bank add failed: ${err}`);
}

/** The account-link button's URL in a message of the bot, or undefined. */
export function linkUrlIn(message: Message): string | undefined {
  if (message.content.contentType !== 'buttons') return undefined;
  return message.content.buttons.find((button) => button.type === 'account_link')?.url;
}

const cookieOf = (response: Response): string => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

/**
 * Go through the bank's account linking as a browser would: open the link, get sent to the
 * bank's sign-in, sign in, see the confirm page, and confirm (from the bank's own Origin).
 * Returns the last page's status and text.
 */
export async function linkAccount(input: { bankUrl: string; linkUrl: string; username: string; password: string; decision?: 'link' | 'cancel' }): Promise<{ status: number; page: string }> {
  const opened = await fetch(input.linkUrl, { redirect: 'manual' });
  if (opened.status !== 303) throw new Error(`/link did not send to the sign-in: ${opened.status} ${await opened.text()}`);
  const loginUrl = new URL(opened.headers.get('location') ?? '', input.bankUrl);
  const next = loginUrl.searchParams.get('next') ?? '';
  const signedIn = await fetch(new URL('/login', input.bankUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: input.username, password: input.password, next }),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status}`);
  const cookie = cookieOf(signedIn);
  const confirm = await fetch(new URL(signedIn.headers.get('location') ?? '', input.bankUrl), { headers: { cookie } });
  const confirmPage = await confirm.text();
  const token = /name="token" value="([^"]+)"/.exec(confirmPage)?.[1];
  if (confirm.status !== 200 || !token) throw new Error(`no confirm page: ${confirm.status} ${confirmPage}`);
  const done = await fetch(new URL('/link', input.bankUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: new URL(input.bankUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, decision: input.decision ?? 'link' }),
  });
  return { status: done.status, page: await done.text() };
}

type ContentOf<T extends Message['content']['contentType']> = Extract<Message['content'], { contentType: T }>;

/** The message's content, which must be of this type. */
export function contentOf<T extends Message['content']['contentType']>(message: Message, type: T): ContentOf<T> {
  if (message.content.contentType !== type) throw new Error(`expected ${type}, got ${JSON.stringify(message.content)}`);
  return message.content as ContentOf<T>;
}

/** The payload of the quick reply with this title. */
export function choice(message: Message, title: string): string {
  const replies = contentOf(message, 'quick_replies').quickReplies;
  const found = replies.find((reply) => reply.title === title);
  if (!found) throw new Error(`no quick reply "${title}" in ${JSON.stringify(replies)}`);
  return found.payload;
}

/** Poll until `probe` finds something. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = answerTimeoutMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
