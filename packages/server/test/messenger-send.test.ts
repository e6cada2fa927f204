import { Writable } from 'node:stream';
import type { Business, Conversation, CreatedApiKey } from '@parley/protocol';
import { MessengerClient } from 'messaging-api-messenger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { createLogger } from '../src/platform/logger';
import { adminToken, createBusiness, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { history } from './send-fixtures';

// A bank's Messenger bot, using an unchanged Messenger client library, talks to Parley by
// changing only its base URL (origin) and its token.

interface MessengerError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string; parley_code: string };
}

describe.each(dialects)('Messenger Send API compatibility on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let key: CreatedApiKey;
  let person: TestPerson;
  let conversation: Conversation;
  let bsid: string;
  let client: MessengerClient;
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });

  const graph = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/graph/v19.0/me/messages${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  const lastMessage = async () => (await history(t.app, person, conversation.id)).messages.at(-1);

  beforeAll(async () => {
    t = await createTestApp(dialect, { listen: true, config: { adminToken }, deps: { logger: createLogger({ logLevel: 'info' }, logStream) } });
    store = await openStore(t.config);
    person = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, person);
    key = await createKey(t.app, bank.id, ['messages:send']);
    conversation = await openBankConversation(t.app, person);
    bsid = await bsidFor(store.ctx, bank.id, person.me.id);
    client = new MessengerClient({ accessToken: key.secret, origin: `${t.baseUrl}/graph`, version: '19.0' });
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  it('sends text through the Messenger client and answers recipient_id and message_id', async () => {
    const sent = await client.sendText(bsid, 'Your card is on its way.', { messagingType: 'RESPONSE' });
    expect(sent.recipientId).toBe(bsid);
    const message = await lastMessage();
    expect(sent.messageId).toBe(`m_${conversation.id}.${message?.seq}`);
    expect(message?.content).toEqual({ contentType: 'text', text: 'Your card is on its way.' });
    expect(message?.sender).toBe('business');
  });

  it('sends quick replies as quick_replies content', async () => {
    await client.sendText(bsid, 'What next?', {
      messagingType: 'RESPONSE',
      quickReplies: [
        { contentType: 'text', title: 'Balance', payload: 'SHOW_BALANCE' },
        { contentType: 'text', title: 'Lock card', payload: 'LOCK_CARD' },
      ],
    });
    expect((await lastMessage())?.content).toEqual({
      contentType: 'quick_replies',
      text: 'What next?',
      quickReplies: [
        { title: 'Balance', payload: 'SHOW_BALANCE' },
        { title: 'Lock card', payload: 'LOCK_CARD' },
      ],
    });
  });

  it('sends a button template as buttons content, web_url as a url button', async () => {
    await client.sendButtonTemplate(
      bsid,
      'Your card is locked.',
      [
        { type: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' },
        { type: 'web_url', title: 'Card help', url: 'https://sandbox-bank.example/help' },
      ],
      { messagingType: 'RESPONSE' },
    );
    expect((await lastMessage())?.content).toEqual({
      contentType: 'buttons',
      text: 'Your card is locked.',
      buttons: [
        { type: 'postback', title: 'Unlock it', payload: 'UNLOCK_CARD' },
        { type: 'url', title: 'Card help', url: 'https://sandbox-bank.example/help' },
      ],
    });
  });

  it('maps the first element of a generic template to buttons, dropping the rest', async () => {
    await client.sendGenericTemplate(
      bsid,
      [
        { title: 'Everyday card', subtitle: 'Ends in 1234', buttons: [{ type: 'postback', title: 'Lock it', payload: 'LOCK_1234' }] },
        { title: 'Savings card', subtitle: 'Ends in 9876', buttons: [{ type: 'postback', title: 'Lock it', payload: 'LOCK_9876' }] },
      ],
      { messagingType: 'RESPONSE' },
    );
    expect((await lastMessage())?.content).toEqual({
      contentType: 'buttons',
      text: 'Everyday card\nEnds in 1234',
      buttons: [{ type: 'postback', title: 'Lock it', payload: 'LOCK_1234' }],
    });
  });

  it('accepts the key as a Bearer header and keeps the Send API idempotency with an Idempotency-Key', async () => {
    const body = { recipient: { id: bsid }, messaging_type: 'UPDATE', message: { text: 'Once only' } };
    const headers = { authorization: `Bearer ${key.secret}`, 'idempotency-key': 'msgr-once-1' };
    const first = await graph('', body, headers);
    const again = await graph('', body, headers);
    expect(first.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    const changed = await graph('', { ...body, message: { text: 'Twice?' } }, headers);
    expect(changed.statusCode).toBe(422);
    expect((changed.json() as MessengerError).error).toMatchObject({ code: 100, parley_code: 'ERR_IDEMPOTENCY_MISMATCH' });
    const texts = (await history(t.app, person, conversation.id)).messages.filter((m) => m.content.contentType === 'text' && m.content.text === 'Once only');
    expect(texts).toHaveLength(1);
  });

  it.each([
    ['sender_action', { recipient: { id: 'x' }, sender_action: 'typing_on' }, 'sender_action'],
    ['persona_id', { recipient: { id: 'x' }, persona_id: '1', message: { text: 'hi' } }, 'persona_id'],
    ['an image attachment', { recipient: { id: 'x' }, message: { attachment: { type: 'image', payload: { url: 'https://x.example/a.png' } } } }, 'image'],
    ['a receipt template', { recipient: { id: 'x' }, message: { attachment: { type: 'template', payload: { template_type: 'receipt' } } } }, 'receipt'],
    ['a user_ref recipient', { recipient: { user_ref: 'ref-1' }, message: { text: 'hi' } }, 'recipient.user_ref'],
    ['an email quick reply', { recipient: { id: 'x' }, message: { text: 'hi', quick_replies: [{ content_type: 'user_email' }] } }, 'user_email'],
    ['a button too long for Parley', { recipient: { id: 'x' }, message: { text: 'hi', quick_replies: [{ content_type: 'text', title: 'A title far longer than twenty', payload: 'P' }] } }, 'quickReplies/0/title'],
  ])('refuses %s with a Messenger-shaped 400 naming it', async (_name, body, named) => {
    const response = await graph(`?access_token=${key.secret}`, body);
    expect(response.statusCode).toBe(400);
    const { error } = response.json() as MessengerError;
    expect(error).toMatchObject({ type: 'OAuthException', code: 100, parley_code: 'ERR_VALIDATION' });
    expect(error.message).toContain(named);
    expect(error.fbtrace_id).toEqual(expect.any(String));
  });

  it('refuses MESSAGE_TAG with a 403 and Parley\'s code', async () => {
    const response = await graph(`?access_token=${key.secret}`, { recipient: { id: bsid }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'hi' } });
    expect(response.statusCode).toBe(403);
    expect((response.json() as MessengerError).error).toMatchObject({ code: 10, parley_code: 'ERR_ALERTS_NOT_ENABLED' });
  });

  it('answers an unknown token with OAuthException 190, through the client as an error', async () => {
    const stranger = new MessengerClient({ accessToken: 'pk_not_a_real_key', origin: `${t.baseUrl}/graph`, version: '19.0' });
    await expect(stranger.sendText(bsid, 'hi')).rejects.toThrow(/190|OAuthException|key/i);
    const response = await graph('?access_token=pk_not_a_real_key', { recipient: { id: bsid }, message: { text: 'hi' } });
    expect(response.statusCode).toBe(401);
    expect((response.json() as MessengerError).error).toMatchObject({ type: 'OAuthException', code: 190 });
  });

  it('refuses a BSID of another business like an unknown recipient', async () => {
    const other = await createBusiness(t.app, 'Other Bank');
    const otherKey = await createKey(t.app, other.id, ['messages:send']);
    const response = await graph(`?access_token=${otherKey.secret}`, { recipient: { id: bsid }, messaging_type: 'RESPONSE', message: { text: 'hi' } });
    expect(response.statusCode).toBe(404);
    expect((response.json() as MessengerError).error).toMatchObject({ code: 100, error_subcode: 2018001, parley_code: 'ERR_NOT_FOUND' });
    expect((await lastMessage())?.content).not.toEqual({ contentType: 'text', text: 'hi' });
  });

  it('answers other Graph API routes with a Messenger-shaped 404 naming the one route there is', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/graph/v19.0/me/messenger_profile?fields=greeting&access_token=${key.secret}` });
    expect(response.statusCode).toBe(404);
    const { error } = response.json() as MessengerError;
    expect(error).toMatchObject({ type: 'OAuthException', code: 100, parley_code: 'ERR_NOT_FOUND' });
    expect(error.message).toContain('/me/messages');
  });

  it('never writes the access_token to the logs', async () => {
    await client.sendText(bsid, 'Logged?', { messagingType: 'RESPONSE' });
    const logged = logLines.join('');
    expect(logged).toContain('/graph/v19.0/me/messages?access_token=[redacted]');
    expect(logged).not.toContain(key.secret);
    expect(logged).not.toContain('pk_not_a_real_key');
  });
});
