import type { Business, Conversation, CreatedApiKey } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor } from '../src/business';
import { adminToken, bearer, createBusiness, createKey, manualClock, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { openBankConversation, sandboxBank } from './messaging-client';
import { signUpPerson, type TestPerson } from './people';
import { codeOf, history, personSays, sendApi, sendBody, sendOk, signInAgain } from './send-fixtures';

// Who a bank may write to, and when: only a person who started a conversation with it, named by
// its own BSID, within 24 hours of their last message. Time is a clock the test moves.

const hour = 60 * 60 * 1000;
const text = (words: string) => ({ contentType: 'text', text: words });

describe.each(dialects)('Send API rules on %s', (dialect) => {
  const clock = manualClock(Date.UTC(2026, 10, 3, 9, 0, 0));
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let bank: Business;
  let other: Business;
  let key: CreatedApiKey;
  let otherKey: CreatedApiKey;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken }, deps: { clock } });
    store = await openStore(t.config, clock);
    const someone = await signUpPerson(t.app);
    bank = await sandboxBank(t.app, someone);
    other = await createBusiness(t.app, 'Other Bank');
    key = await createKey(t.app, bank.id, ['messages:send']);
    otherKey = await createKey(t.app, other.id, ['messages:send']);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  async function personWithConversation(): Promise<{ person: TestPerson; conversation: Conversation; bsid: string }> {
    const person = await signUpPerson(t.app);
    const conversation = await openBankConversation(t.app, person);
    return { person, conversation, bsid: await bsidFor(store.ctx, bank.id, person.me.id) };
  }

  it('lets RESPONSE and UPDATE through until 24 hours after the person last wrote, then refuses with ERR_OUTSIDE_WINDOW until they write again', async () => {
    const setup = await personWithConversation();
    const { conversation, bsid } = setup;
    let { person } = setup;
    expect((await personSays(t.app, person, conversation.id, text('Is my card blocked?'))).statusCode).toBe(201);

    clock.advance(23 * hour);
    await sendOk(t.app, key.secret, sendBody(bsid, text('It is not.'), 'RESPONSE'));
    clock.advance(hour - 1);
    await sendOk(t.app, key.secret, sendBody(bsid, text('Your new card has shipped.'), 'UPDATE'));

    clock.advance(2);
    for (const messagingType of ['RESPONSE', 'UPDATE']) {
      const late = await sendApi(t.app, key.secret, sendBody(bsid, text('Still there?'), messagingType));
      expect([late.statusCode, codeOf(late)]).toEqual([403, 'ERR_OUTSIDE_WINDOW']);
      expect(late.json()).toMatchObject({ error: { message: expect.stringContaining('24 hours') } });
    }
    // The bank's own messages do not reopen the window; the person's do.
    person = await signInAgain(t.app, person);
    expect((await personSays(t.app, person, conversation.id, text('Hello again'))).statusCode).toBe(201);
    await sendOk(t.app, key.secret, sendBody(bsid, text('Welcome back.')));
    const said = (await history(t.app, person, conversation.id)).messages.map((m) => (m.content.contentType === 'text' ? m.content.text : ''));
    expect(said).not.toContain('Still there?');
    expect(said.slice(-2)).toEqual(['Hello again', 'Welcome back.']);
  });

  it('counts opening the conversation as the person writing, for a person who has not written yet', async () => {
    const { bsid } = await personWithConversation();
    clock.advance(24 * hour);
    await sendOk(t.app, key.secret, sendBody(bsid, text('Welcome to Sandbox Bank.')));
    clock.advance(1);
    const late = await sendApi(t.app, key.secret, sendBody(bsid, text('Anything else?')));
    expect([late.statusCode, codeOf(late)]).toEqual([403, 'ERR_OUTSIDE_WINDOW']);
  });

  it('answers 404 for a BSID of another business, exactly as for one that does not exist', async () => {
    const { person, conversation } = await personWithConversation();
    await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: other.id } });
    const bsidAtOther = await bsidFor(store.ctx, other.id, person.me.id);
    const foreign = await sendApi(t.app, key.secret, sendBody(bsidAtOther, text('Hi')));
    const unknown = await sendApi(t.app, key.secret, sendBody('bsid_doesnotexist0000000000', text('Hi')));
    expect([foreign.statusCode, codeOf(foreign)]).toEqual([404, 'ERR_NOT_FOUND']);
    expect(foreign.json()).toEqual(unknown.json());
    // The other bank, with its own key, reaches the person in its own conversation only.
    const own = await sendOk(t.app, otherKey.secret, sendBody(bsidAtOther, text('Hi from Other Bank')));
    expect(own.conversationId).not.toBe(conversation.id);
    expect((await history(t.app, person, conversation.id)).messages.some((m) => m.content.contentType === 'text' && m.content.text === 'Hi from Other Bank')).toBe(false);
  });

  it('refuses a person who never started a conversation with the bank: 403 ERR_NO_CONVERSATION', async () => {
    const stranger = await signUpPerson(t.app);
    const bsid = await bsidFor(store.ctx, bank.id, stranger.me.id);
    const response = await sendApi(t.app, key.secret, sendBody(bsid, text('Special offer!'), 'UPDATE'));
    expect([response.statusCode, codeOf(response)]).toEqual([403, 'ERR_NO_CONVERSATION']);
  });

  it('refuses ALERT for now with ERR_ALERTS_NOT_ENABLED, even inside the window', async () => {
    const { bsid } = await personWithConversation();
    const response = await sendApi(t.app, key.secret, sendBody(bsid, text('Card used abroad'), 'ALERT'));
    expect([response.statusCode, codeOf(response)]).toEqual([403, 'ERR_ALERTS_NOT_ENABLED']);
  });

  it('needs an API key with messages:send: none is 401, a session is 401, another scope is 403', async () => {
    const { person, bsid } = await personWithConversation();
    const body = JSON.stringify(sendBody(bsid, text('Hi')));
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'k-1' };
    const none = await t.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: body });
    const session = await t.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...headers, ...person.headers }, payload: body });
    const webhooksOnly = await createKey(t.app, bank.id, ['webhooks:manage']);
    const scoped = await t.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...headers, ...bearer(webhooksOnly.secret) }, payload: body });
    expect([none.statusCode, codeOf(none)]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    expect([session.statusCode, codeOf(session)]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    expect([scoped.statusCode, codeOf(scoped)]).toEqual([403, 'ERR_SCOPE_MISSING']);
  });
});
