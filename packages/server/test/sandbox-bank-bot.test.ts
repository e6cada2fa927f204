import type { Message, WebhookEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botMenu } from '../../sandbox-bank/src/bot/bot.menu';
import { authorize, findDispute, listCards } from '../../sandbox-bank/src/cards';
import { findCustomerByUsername, formatMinor, getBalances, recentTransactions } from '../../sandbox-bank/src/customers';
import { choice, contentOf, linkAccount, linkUrlIn, startBankParley, until, type BankChat, type BankParley } from './bank-parley-fixtures';
import { startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The Sandbox Bank's bot end to end: a real Parley, the real bank with its bot (which knows
// Parley only through its API key and signed webhooks), people chatting over real WebSockets,
// and account linking driven over HTTP like a browser. SQLite only: these tests are about the
// bot; Parley's storage is tested on both SQLite and PostgreSQL elsewhere.

describe('the Sandbox Bank bot against a running Parley', () => {
  let world: BankParley;
  let alice: BankChat;
  let aliceId: string;

  const greetedChat = () => world.greetedChat();

  async function link(chat: BankChat, linkUrl: string): Promise<Message> {
    const done = await linkAccount({ bankUrl: world.bank.url, linkUrl, username: 'alice', password: 'alice-sandbox' });
    expect(done.status).toBe(200);
    expect(done.page).toContain('Your chat is linked');
    return chat.nextBankMessage();
  }

  beforeAll(async () => {
    world = await startBankParley();
    aliceId = (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!.id;
  });
  afterAll(() => world?.close());

  it('sets its persistent menu at Parley when it starts', async () => {
    const menu = await until('the menu', async () => {
      const current = await world.parley.getMenu();
      return current.persistentMenu.length > 0 ? current : undefined;
    });
    expect(menu).toEqual({ getStarted: botMenu.getStarted, persistentMenu: botMenu.persistentMenu });
    expect(menu.persistentMenu.map((item) => item.title)).toEqual(['Balance', 'Recent transactions', 'Card & help']);
  });

  it('greets a new conversation with what it can do and an account-link button to the bank', async () => {
    const { greeting } = await greetedChat();
    const buttons = contentOf(greeting, 'buttons');
    expect(buttons.text).toMatch(/balance/i);
    const url = linkUrlIn(greeting);
    expect(url).toMatch(new RegExp(`^${world.bank.url}/link\\?token=[A-Za-z0-9_-]{43}$`));
    expect(buttons.buttons).toContainEqual({ type: 'postback', title: 'Talk to a person', payload: 'HUMAN' });
  });

  it('answers an unlinked person who asks for their balance with the link button, not with data', async () => {
    const { chat } = await greetedChat();
    await chat.say('What is my balance?');
    const answer = await chat.nextBankMessage();
    expect(linkUrlIn(answer)).toMatch(/\/link\?token=/);
    expect(contentOf(answer, 'buttons').text).toMatch(/show your balance/);
    expect(await chat.pendingBankMessages()).toEqual([]);
  });

  it('answers text it does not understand with what it can do, never silence', async () => {
    const { chat } = await greetedChat();
    await chat.say('Purple monkey dishwasher');
    const answer = contentOf(await chat.nextBankMessage(), 'quick_replies');
    expect(answer.text).toMatch(/didn't catch that/);
    expect(answer.quickReplies.map((reply) => reply.title)).toEqual(expect.arrayContaining(['Balance', 'Recent transactions', 'Lock my card', 'Dispute a charge', 'Talk to a person']));
  });

  // Two things keep it to one answer: the bot remembers webhook-ids, and its sends carry an
  // Idempotency-Key made from the webhook-id (Parley keeps those 24 h). This fails if both break.
  it('answers each event once, even when Parley delivers it again', async () => {
    const { chat } = await greetedChat();
    await chat.say('What can you do?');
    expect(contentOf(await chat.nextBankMessage(), 'quick_replies').text).toMatch(/I can show your balance/);
    // Newest first, and nothing else happens in the meantime: the first message.created is this one.
    const delivery = await until('the delivery of that message', async () => {
      const { deliveries } = await world.parley.listDeliveries({ endpointId: world.endpoint.id, limit: 200 });
      return deliveries.find((d) => d.eventType === 'message.created' && d.status === 'delivered');
    });
    await world.parley.replayDelivery(delivery.id);
    await until('the replay to be delivered', async () => {
      const { deliveries } = await world.parley.listDeliveries({ endpointId: world.endpoint.id, limit: 200 });
      const again = deliveries.find((d) => d.id === delivery.id);
      return again && again.status === 'delivered' && again.attempts > delivery.attempts ? again : undefined;
    });
    // The bot handles one chat's events in arrival order: had it answered the replay, that answer would come first.
    await chat.say('thanks');
    expect(contentOf(await chat.nextBankMessage(), 'text').text).toMatch(/You're welcome/);
  });

  it('refuses a webhook Parley did not sign, and acts on nothing in it', async () => {
    const { chat } = await greetedChat();
    const body = JSON.stringify({ type: 'postback', timestamp: new Date().toISOString(), data: { bsid: chat.bsid, conversationId: chat.conversation.id, seq: 9, title: 'Balance', payload: 'BALANCE' } });
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_forgedforged01', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2VkIHNpZ25hdHVyZQ==' };
    expect((await fetch(`${world.bank.url}/parley/webhooks`, { method: 'POST', headers, body })).status).toBe(400);
    expect((await fetch(`${world.bank.url}/parley/webhooks`, { method: 'POST', headers: { ...headers, 'webhook-id': 'not valid!' }, body })).status).toBe(400);
    // Had the bot acted on it, the link offer for "Balance" would come before this answer.
    await chat.say('thanks');
    expect(contentOf(await chat.nextBankMessage(), 'text').text).toMatch(/You're welcome/);
  });

  it('links the chat to alice through the bank sign-in, once per link, and says so in the chat', async () => {
    const greeted = await greetedChat();
    alice = greeted.chat;
    const linkUrl = linkUrlIn(greeted.greeting)!;
    const said = contentOf(await link(alice, linkUrl), 'quick_replies');
    expect(said.text).toContain("You're linked as Alice E.");
    expect(said.quickReplies).toContainEqual({ title: 'Unlink', payload: 'UNLINK' });
    // The token is spent: the same link cannot link again.
    expect((await fetch(linkUrl, { redirect: 'manual' })).status).toBe(410);
  });

  it('refuses to link from a form on another site (Origin check)', async () => {
    const { chat, greeting } = await greetedChat();
    const token = new URL(linkUrlIn(greeting)!).searchParams.get('token')!;
    const signedIn = await fetch(`${world.bank.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'bob', password: 'bob-sandbox', next: '/' }),
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const forged = await fetch(`${world.bank.url}/link`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, decision: 'link' }),
    });
    expect(forged.status).toBe(403);
    await chat.say('balance');
    expect(linkUrlIn(await chat.nextBankMessage())).toBeDefined();
  });

  it('links nothing when the customer cancels, and answers a bad or missing token with a page that says what to do', async () => {
    const { chat, greeting } = await greetedChat();
    const cancelled = await linkAccount({ bankUrl: world.bank.url, linkUrl: linkUrlIn(greeting)!, username: 'bob', password: 'bob-sandbox', decision: 'cancel' });
    expect([cancelled.status, cancelled.page.includes('Nothing was linked')]).toEqual([200, true]);
    await chat.say('balance');
    expect(linkUrlIn(await chat.nextBankMessage())).toBeDefined();
    for (const query of ['', '?token=short', `?token=${'A'.repeat(43)}`]) {
      const response = await fetch(`${world.bank.url}/link${query}`, { redirect: 'manual' });
      expect(response.status).toBeOneOf([400, 410]);
      expect(await response.text()).toContain('link my account');
    }
  });

  it('answers "balance" with a balance card whose amounts are the bank\'s balances', async () => {
    await alice.say('Balance?');
    const card = contentOf(await alice.nextBankMessage(), 'template.balance');
    const balances = await getBalances(world.bank.ctx, aliceId);
    expect(card.accounts).toHaveLength(balances.length);
    expect(card.accounts.map((account) => account.balance)).toEqual(balances.map((b) => ({ amount: formatMinor(b.bookedMinor, b.currency), currency: b.currency })));
    expect(card.accounts.map((account) => account.name)).toEqual(balances.map((b) => b.account.name));
  });

  it('answers "recent transactions" with the latest transactions, newest first', async () => {
    await alice.say('show me my recent transactions');
    const list = contentOf(await alice.nextBankMessage(), 'template.transactions');
    const latest = (await recentTransactions(world.bank.ctx, aliceId, 15)).filter((row) => row.status !== 'Rejected');
    expect(list.transactions.length).toBeGreaterThan(0);
    expect(list.transactions.map((line) => line.id)).toEqual(latest.slice(0, list.transactions.length).map((row) => row.id));
    const first = latest[0]!;
    expect(list.transactions[0]).toMatchObject({ date: new Date(first.booked_at).toISOString().slice(0, 10), amount: { amount: formatMinor(first.amount_minor, first.currency), currency: first.currency } });
  });

  it('locks the card the person picks, and the card network then declines it; "unlock my card" asks for the passkey first', async () => {
    await alice.say('Lock my card!');
    const which = await alice.nextBankMessage();
    const cards = await listCards(world.bank.ctx, aliceId);
    const debit = cards.find((card) => card.kind === 'debit')!;
    await alice.tap(choice(which, `Debit •••• ${debit.last4}`), `Debit •••• ${debit.last4}`);
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Card locked');
    expect((await listCards(world.bank.ctx, aliceId)).find((card) => card.id === debit.id)?.locked).toBe(true);
    const attempt = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 350, merchant: 'Corner Café', mcc: '5814', country: 'GB' });
    expect([attempt.status, attempt.declineReason]).toEqual(['declined', 'card_locked']);

    // Unlocking is offered as a button that needs the person's passkey (sandbox-bank-fraud.test.ts taps it).
    await alice.say('please unlock my card');
    const offer = contentOf(await alice.nextBankMessage(), 'buttons');
    expect(offer.buttons).toEqual([{ type: 'postback', title: 'Unlock with passkey', payload: `UNLOCK_CONFIRM:${debit.id}`, requiresStepUp: true }]);
    expect((await listCards(world.bank.ctx, aliceId)).find((card) => card.id === debit.id)?.locked).toBe(true);
  });

  it('guides a dispute: a recent card payment, a reason, then a case number the bank knows', async () => {
    await alice.say('I want to dispute a charge');
    const statement = contentOf(await alice.nextBankMessage(), 'template.transactions');
    const payments = await alice.nextBankMessage();
    expect(statement.transactions.map((line) => line.id)).toHaveLength(contentOf(payments, 'quick_replies').quickReplies.length);
    const pick = contentOf(payments, 'quick_replies').quickReplies[0]!;
    expect(pick.payload).toMatch(/^DISPUTE_TX:/);
    await alice.tap(pick.payload, pick.title);
    const reasons = await alice.nextBankMessage();
    expect(contentOf(reasons, 'quick_replies').quickReplies.map((reply) => reply.title)).toEqual(["I don't recognise it", 'Charged twice', 'Item not received', 'Wrong amount']);
    await alice.tap(choice(reasons, 'Charged twice'), 'Charged twice');
    const confirmation = contentOf(await alice.nextBankMessage(), 'template.confirmation');
    expect(confirmation.title).toBe('Dispute opened');
    expect(confirmation.reference).toMatch(/^DSP-[0-9A-Z]{5}$/);
    const dispute = await findDispute(world.bank.ctx, { customerId: aliceId, caseNumber: confirmation.reference! });
    expect(dispute).toMatchObject({ transactionId: pick.payload.slice('DISPUTE_TX:'.length), reason: 'Charged twice', status: 'open' });
  });

  it('unlinks on request: after that, no data without linking again', async () => {
    await alice.tap('UNLINK', 'Unlink');
    const unlinked = await alice.nextBankMessage();
    expect(contentOf(unlinked, 'buttons').text).toMatch(/no longer linked/);
    await alice.say('balance');
    const answer = await alice.nextBankMessage();
    expect(answer.content.contentType).toBe('buttons');
    expect(linkUrlIn(answer)).toBeDefined();
  });

  describe('handing over to the human inbox', () => {
    let inbox: WebhookReceiver;
    const eventsOf = (receiver: WebhookReceiver): WebhookEvent[] => receiver.received.map((hit) => JSON.parse(hit.body) as WebhookEvent);

    beforeAll(async () => {
      inbox = await startReceiver();
      await world.parley.createWebhookEndpoint({ url: inbox.url, eventTypes: ['message.created', 'handover.passed'], role: 'inbox' });
    });
    afterAll(() => inbox?.close());

    it('passes the thread to the inbox on "talk to a person", then stays quiet until it is given back', async () => {
      const { chat } = await greetedChat();
      await chat.say('Can I talk to a real person please?');
      expect(contentOf(await chat.nextBankMessage(), 'text').text).toMatch(/passing you to a member of our team/);
      await until('handover.passed at the inbox', async () => eventsOf(inbox).find((event) => event.type === 'handover.passed' && event.data.conversationId === chat.conversation.id));

      const seq = await chat.say('balance');
      await until('the message at the inbox', async () =>
        eventsOf(inbox).find((event) => event.type === 'message.created' && event.data.conversationId === chat.conversation.id && event.data.message.seq === seq),
      );
      await until('the standby delivered to the bot', async () => {
        const { deliveries } = await world.parley.listDeliveries({ endpointId: world.endpoint.id, limit: 200 });
        return deliveries.find((delivery) => delivery.eventType === 'standby' && delivery.status === 'delivered');
      });
      expect(await chat.pendingBankMessages()).toEqual([]);

      expect(await world.parley.returnThreadControl(chat.conversation.id, 'done')).toEqual({ conversationId: chat.conversation.id, owner: 'bot' });
      expect(contentOf(await chat.nextBankMessage(), 'quick_replies').text).toMatch(/I'm back/);
    });
  });
});
