import type { Business, BusinessMenu, BusinessSettings, CannedResponse, CannedResponseList, InboxConversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './context';
import { asMember, botHandsOver, consoleSocket, customer, inboxWorld, type InboxWorld } from './inbox-fixtures';
import { connect, textSend } from './messaging-client';

// Owner settings people notice (the bank's name and greeting), canned responses with unique
// shortcuts, and the conversation states an agent and a person move between.

describe.each(dialects)('console settings and states on %s', (dialect) => {
  let world: InboxWorld;
  const base = () => `/v1/business/${world.bank.id}`;

  beforeAll(async () => {
    world = await inboxWorld(dialect);
  });
  afterAll(() => world.t.close());

  it('changes the name and greeting people see, and keeps what the owner did not name', async () => {
    const { t } = world;
    const changed = await asMember(t, world.owner, 'PATCH', `${base()}/settings`, { name: 'Sandbox Bank Plc', greeting: 'Welcome! Ask me anything.', logoUrl: 'https://sandbox-bank.example/logo.png' });
    expect(changed.json() as BusinessSettings).toEqual({ name: 'Sandbox Bank Plc', greeting: 'Welcome! Ask me anything.', logoUrl: 'https://sandbox-bank.example/logo.png', autoAssign: true, maxPerAgent: 5 });
    const again = await asMember(t, world.owner, 'PATCH', `${base()}/settings`, { maxPerAgent: 3 });
    expect(again.json()).toMatchObject({ name: 'Sandbox Bank Plc', maxPerAgent: 3, logoUrl: 'https://sandbox-bank.example/logo.png' });
    const refused = await asMember(t, world.owner, 'PATCH', `${base()}/settings`, { logoUrl: 'javascript:alert(1)' });
    expect(refused.json().error.code).toBe('ERR_VALIDATION');
    const { person, conversation } = await customer(t);
    const directory = (await t.app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as { businesses: Business[] };
    expect(directory.businesses.find((b) => b.id === world.bank.id)).toMatchObject({ name: 'Sandbox Bank Plc', greeting: 'Welcome! Ask me anything.' });
    expect(conversation.lastMessage?.content).toEqual({ contentType: 'text', text: 'Welcome! Ask me anything.' });
  });

  it('lets the owner set the menu people see from the console, with the API-key route\'s rules', async () => {
    const { t } = world;
    const menu: BusinessMenu = {
      getStarted: { title: 'Get started', payload: 'GET_STARTED' },
      persistentMenu: [
        { type: 'postback', title: 'My balance', payload: 'BALANCE' },
        { type: 'url', title: 'Help centre', url: 'https://sandbox-bank.example/help' },
      ],
    };
    const set = await asMember(t, world.owner, 'PUT', `${base()}/menu`, menu);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual(menu);
    // Left out is kept; null removes the button.
    const noButton = await asMember(t, world.owner, 'PUT', `${base()}/menu`, { getStarted: null });
    expect(noButton.json()).toEqual({ ...menu, getStarted: null });
    expect((await asMember(t, world.owner, 'GET', `${base()}/menu`)).json()).toEqual({ ...menu, getStarted: null });
    const { person } = await customer(t);
    const directory = (await t.app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as { businesses: Business[] };
    expect(directory.businesses.find((b) => b.id === world.bank.id)?.menu).toEqual({ ...menu, getStarted: null });

    const item = { type: 'postback', title: 'Item', payload: 'ITEM' };
    for (const bad of [
      { persistentMenu: [item, item, item, item] },
      { persistentMenu: [{ ...item, title: 'x'.repeat(31) }] },
      { persistentMenu: [{ type: 'url', title: 'Plain', url: 'http://sandbox-bank.example/' }] },
      {},
    ]) {
      const refused = await asMember(t, world.owner, 'PUT', `${base()}/menu`, bad);
      expect([refused.statusCode, refused.json().error.code], JSON.stringify(bad)).toEqual([400, 'ERR_VALIDATION']);
    }
    expect((await asMember(t, world.owner, 'GET', `${base()}/menu`)).json()).toEqual({ ...menu, getStarted: null });
  });

  it('keeps canned shortcuts unique per bank and lets owners change them', async () => {
    const { t } = world;
    const made = await asMember(t, world.owner, 'POST', `${base()}/canned`, { shortcut: 'locked', text: 'Your card is locked.', quickReplies: [{ title: 'Thanks', payload: 'THANKS' }] });
    expect(made.statusCode, made.body).toBe(201);
    const twin = await asMember(t, world.owner, 'POST', `${base()}/canned`, { shortcut: 'locked', text: 'Again' });
    expect([twin.statusCode, twin.json().error.code]).toEqual([409, 'ERR_CONFLICT']);
    const { id } = made.json() as CannedResponse;
    const edited = await asMember(t, world.owner, 'PATCH', `${base()}/canned/${id}`, { text: 'Your card is locked; a new one is on its way.' });
    expect(edited.json()).toMatchObject({ shortcut: 'locked', text: 'Your card is locked; a new one is on its way.', quickReplies: [{ title: 'Thanks', payload: 'THANKS' }] });
    const listed = (await asMember(t, world.agent, 'GET', `${base()}/canned`)).json() as CannedResponseList;
    expect(listed.responses.map((r) => r.shortcut)).toEqual(['locked']);
    expect((await asMember(t, world.owner, 'DELETE', `${base()}/canned/${id}`)).statusCode).toBe(204);
    expect((await asMember(t, world.owner, 'DELETE', `${base()}/canned/${id}`)).json().error.code).toBe('ERR_NOT_FOUND');
  });

  it('reopens a pending conversation when the person writes, and shows the person when an agent has read', async () => {
    const { t } = world;
    const agentSocket = await consoleSocket(t, world.agent);
    const { person, conversation } = await customer(t);
    const personSocket = await connect(t, person);
    await botHandsOver(world, conversation.id);
    const pending = await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/status`, { status: 'pending' });
    expect((pending.json() as InboxConversation).status).toBe('pending');
    personSocket.send(textSend(conversation.id, 'Here is the receipt'));
    const { seq } = await personSocket.take('ack');
    await agentSocket.take('inbox', (frame) => frame.conversation.conversationId === conversation.id && frame.conversation.status === 'open');
    expect((await asMember(t, world.agent, 'POST', `${base()}/inbox/${conversation.id}/read`, { seq })).statusCode).toBe(204);
    expect(await personSocket.take('read')).toMatchObject({ conversationId: conversation.id, reader: 'business', seq });
    const row = (await asMember(t, world.agent, 'GET', `${base()}/inbox/${conversation.id}`)).json() as { conversation: InboxConversation };
    expect(row.conversation).toMatchObject({ unread: 0, readSeq: seq });
    await Promise.all([agentSocket.close(), personSocket.close()]);
  });
});
