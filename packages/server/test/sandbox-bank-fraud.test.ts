import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, getAuthorization, listCards, type CardView } from '../../sandbox-bank/src/cards';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers';
import { choice, contentOf, linkAccount, linkUrlIn, startBankParley, until, type BankChat, type BankParley } from './bank-parley-fixtures';
import { manualClock } from './business-fixtures';

// The bot's side of the card network's fraud rules: a held payment reaches the customer's linked
// chat, and their tap approves it, or declines it and locks the card. SQLite only, like
// sandbox-bank-bot.test.ts: Parley's storage is tested on both stores elsewhere.

/** A linked chat of this demo customer (past the "You're linked" message). */
async function linkedChat(world: BankParley, username: 'alice' | 'bob'): Promise<{ chat: BankChat; linked: Message }> {
  const { chat, greeting } = await world.greetedChat();
  const done = await linkAccount({ bankUrl: world.bank.url, linkUrl: linkUrlIn(greeting)!, username, password: `${username}-sandbox` });
  expect(done.status).toBe(200);
  return { chat, linked: await chat.nextBankMessage() };
}

// mcc 7995 (betting) is a risky merchant category: the fraud rules hold it whatever the amount.
const suspicious = { merchant: 'Casino Lisboa', mcc: '7995', country: 'PT', city: 'Lisbon' };

describe('fraud alerts in a linked chat', () => {
  let world: BankParley;
  let alice: BankChat;
  let cards: CardView[];

  beforeAll(async () => {
    world = await startBankParley();
    ({ chat: alice } = await linkedChat(world, 'alice'));
    cards = await listCards(world.bank.ctx, (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!.id);
  });
  afterAll(() => world?.close());

  it('asks about a held payment, and "Yes, it was me" lets it through', async () => {
    const debit = cards.find((card) => card.kind === 'debit')!;
    const held = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 2_000, ...suspicious });
    expect(held.status).toBe('held');
    const alert = await alice.nextBankMessage();
    expect(contentOf(alert, 'quick_replies').text).toContain(`Did you just spend £20.00 at Casino Lisboa in Lisbon, Portugal with your card ending ${debit.last4}?`);
    await alice.tap(choice(alert, 'Yes, it was me'), 'Yes, it was me');
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Payment approved');
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('approved');
    expect((await listCards(world.bank.ctx, held.customerId)).find((card) => card.id === debit.id)?.locked).toBe(false);
  });

  it('asks about a held payment, and "No, lock my card" declines it and locks the card', async () => {
    const credit = cards.find((card) => card.kind === 'credit')!;
    const held = await authorize(world.bank.ctx, { cardId: credit.id, amountMinor: 84_210, ...suspicious });
    expect(held.status).toBe('held');
    const alert = await alice.nextBankMessage();
    expect(contentOf(alert, 'quick_replies').text).toContain('Did you just spend £842.10 at Casino Lisboa in Lisbon');
    await alice.tap(choice(alert, 'No, lock my card'), 'No, lock my card');
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Payment declined, card locked');
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('declined');
    expect((await listCards(world.bank.ctx, held.customerId)).find((card) => card.id === credit.id)?.locked).toBe(true);
    // A second tap on the old alert changes nothing and says why.
    await alice.tap(choice(alert, 'Yes, it was me'), 'Yes, it was me');
    expect(contentOf(await alice.nextBankMessage(), 'text').text).toMatch(/already declined/);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('declined');
  });

  it("does not act on an alert answer for another customer's payment", async () => {
    const bobId = (await findCustomerByUsername(world.bank.ctx.db, 'bob'))!.id;
    const bobsCard = (await listCards(world.bank.ctx, bobId)).find((card) => card.kind === 'debit')!;
    const held = await authorize(world.bank.ctx, { cardId: bobsCard.id, amountMinor: 1_500, ...suspicious });
    expect(held.status).toBe('held');
    // Bob has no linked chat: nothing is sent, and that is recorded.
    const recorded = await until('the alert to be recorded', async () =>
      world.bank.ctx.db.selectFrom('bot_fraud_alerts').selectAll().where('authorization_id', '=', held.id).executeTakeFirst(),
    );
    expect(recorded).toMatchObject({ customer_id: bobId, status: 'not_linked' });
    await alice.tap(`FRAUD_MINE:${held.id}`, 'Yes, it was me');
    expect(contentOf(await alice.nextBankMessage(), 'text').text).toMatch(/couldn't find that payment/);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('held');
  });
});

describe('a fraud alert outside the 24-hour window', () => {
  const clock = manualClock();
  let world: BankParley;
  afterAll(() => world?.close());

  it('is refused by Parley, logged and recorded as not reached; the payment stays held', async () => {
    world = await startBankParley({ parleyClock: clock });
    const { chat, linked } = await linkedChat(world, 'bob');
    expect(contentOf(linked, 'quick_replies').text).toContain("You're linked as Bob E.");

    clock.advance(25 * 60 * 60 * 1000);
    const bobId = (await findCustomerByUsername(world.bank.ctx.db, 'bob'))!.id;
    const credit = (await listCards(world.bank.ctx, bobId)).find((card) => card.kind === 'credit')!;
    const held = await authorize(world.bank.ctx, { cardId: credit.id, amountMinor: 42_000, ...suspicious });
    expect(held.status).toBe('held');
    const alert = await until('the alert to be recorded', async () =>
      world.bank.ctx.db.selectFrom('bot_fraud_alerts').selectAll().where('authorization_id', '=', held.id).executeTakeFirst(),
    );
    expect(alert).toMatchObject({ customer_id: bobId, bsid: chat.bsid, status: 'unreachable', detail: 'ERR_OUTSIDE_WINDOW' });
    expect(await chat.pendingBankMessages()).toEqual([]);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('held');
  });
});
