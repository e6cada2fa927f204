import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AlertContent, Message, WebhookEventData } from '@parley/protocol';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, getAuthorization, listCards, type CardView } from '../../sandbox-bank/src/cards';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers';
import { signPayload } from '../src/webhooks/webhook.signer';
import { choice, contentOf, linkAccount, linkUrlIn, startBankParley, until, type BankChat, type BankParley } from './bank-parley-fixtures';
import { clientId } from './messaging-client';
import { manualClock } from './business-fixtures';
import { history, signInAgain } from './send-fixtures';
import { stepUpAssertion } from './step-up-fixtures';
import { SoftwareAuthenticator } from './webauthn-authenticator';
import { startReceiver, type WebhookReceiver } from './webhooks-fixtures';

// The Sandbox Bank's fraud alerts end to end: the card network holds a payment, the bot alerts
// the customer through Parley's Alert API (only if they switched card alerts on), and their
// answer comes back as `alert.answered`; "No, lock my card" needs their passkey, and the bank
// acts only on a step-up proof it verifies itself (Parley's JWKS, binding, replay). SQLite only,
// like sandbox-bank-bot.test.ts: Parley's storage is tested on both stores elsewhere.

// mcc 7995 (betting) is a risky merchant category: the fraud rules hold it whatever the amount.
const suspicious = { merchant: 'Casino Lisboa', mcc: '7995', country: 'PT', city: 'Lisbon' };

/** Deliver an event to the bank's webhook endpoint as Parley would: signed with the endpoint's secret, a new webhook-id. */
async function deliverSigned(world: BankParley, type: 'alert.answered' | 'postback', data: object): Promise<number> {
  const id = `msg_test_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const response = await fetch(`${world.bank.url.replace('localhost', '127.0.0.1')}/parley/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signPayload(world.endpoint.secret, { id, timestamp, body }) },
    body,
  });
  return response.status;
}

describe('fraud alerts through the Alert API, answered with a passkey', () => {
  let world: BankParley;
  let alice: BankChat;
  let aliceId: string;
  let passkey: SoftwareAuthenticator;
  let debit: CardView;
  let credit: CardView;
  let tap: WebhookReceiver;
  /** The alert whose lock answer (with a real proof) the replay test sends again. */
  let lockedAlertId = '';

  const fraudRow = (authorizationId: string) =>
    until('the alert to be recorded', () => world.bank.ctx.db.selectFrom('bot_fraud_alerts').selectAll().where('authorization_id', '=', authorizationId).executeTakeFirst());
  const cardOf = async (cardId: string) => (await listCards(world.bank.ctx, aliceId)).find((card) => card.id === cardId)!;

  /** The next alert card in Alice's chat (written by Parley, sender `system`). */
  async function nextAlert(): Promise<{ message: Message; alert: AlertContent }> {
    const frame = await alice.socket.take('message', (f) => f.message.conversationId === alice.conversation.id && f.message.content.contentType === 'alert');
    return { message: frame.message, alert: contentOf(frame.message, 'alert') };
  }

  function answer(alertId: string, body: object) {
    return world.t.app.inject({ method: 'POST', url: `/v1/alerts/${alertId}/answers`, headers: alice.person.headers, payload: body });
  }

  const deliverToBank = (type: 'alert.answered' | 'postback', data: object) => deliverSigned(world, type, data);

  /**
   * The events Parley delivered for the bank so far, oldest first, as a second endpoint of the
   * bank's (a plain receiver) got them: the exact bodies, proofs included.
   */
  async function deliveredEvents<T extends 'alert.answered' | 'postback'>(type: T, wanted: (data: WebhookEventData<T>) => boolean): Promise<WebhookEventData<T>[]> {
    const matching = () =>
      tap.received
        .map((hit) => JSON.parse(hit.body) as { type: string; data: WebhookEventData<T> })
        .filter((event) => event.type === type)
        .map((event) => event.data);
    await until(`a delivered ${type}`, async () => (matching().some(wanted) ? true : undefined));
    return matching();
  }

  beforeAll(async () => {
    world = await startBankParley();
    tap = await startReceiver('/tap');
    await world.parley.createWebhookEndpoint({ url: tap.url, eventTypes: ['alert.answered', 'postback'] });
    passkey = new SoftwareAuthenticator(world.t.baseUrl);
    const { chat, greeting } = await world.greetedChat({ passkey });
    alice = chat;
    const done = await linkAccount({ bankUrl: world.bank.url, linkUrl: linkUrlIn(greeting)!, username: 'alice', password: 'alice-sandbox' });
    expect(done.status).toBe(200);
    expect(contentOf(await alice.nextBankMessage(), 'quick_replies').text).toContain("You're linked as");
    aliceId = (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!.id;
    const cards = await listCards(world.bank.ctx, aliceId);
    debit = cards.find((card) => card.kind === 'debit')!;
    credit = cards.find((card) => card.kind === 'credit')!;
  });
  afterAll(async () => {
    await world?.close();
    await tap?.close();
  });

  it('sends nothing while the person has not switched card alerts on: recorded as not_enabled, the payment stays held', async () => {
    const held = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 1_200, ...suspicious });
    expect(held.status).toBe('held');
    expect(await fraudRow(held.id)).toMatchObject({ bsid: alice.bsid, status: 'not_enabled', detail: 'ERR_ALERTS_NOT_ENABLED', alert_id: null });
    expect(alice.socket.frames.filter((frame) => frame.type === 'message')).toEqual([]);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('held');
  });

  it('alerts the person once card alerts are on, with the facts; "Yes, it was me" lets the payment through', async () => {
    const enabled = await world.t.app.inject({
      method: 'PUT',
      url: `/v1/alert-preferences/${world.bankBusinessId}`,
      headers: alice.person.headers,
      payload: { kinds: { card_transaction_review: true } },
    });
    expect(enabled.statusCode).toBe(200);
    const held = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 2_000, ...suspicious });
    const { message, alert } = await nextAlert();
    expect(message.sender).toBe('system');
    expect(alert).toMatchObject({
      kind: 'card_transaction_review',
      headline: 'Did you just spend £20.00 at Casino Lisboa in Lisbon?',
      facts: { amount: { amount: '20.00', currency: 'GBP' }, merchant: 'Casino Lisboa', place: 'Lisbon, Portugal', cardMask: debit.last4 },
    });
    expect(alert.actions.map((action) => [action.id, action.label, action.requiresStepUp])).toEqual([
      ['confirm', 'Yes, it was me', false],
      ['lock_card', 'No, lock my card', true],
    ]);
    expect(await fraudRow(held.id)).toMatchObject({ status: 'sent', alert_id: alert.alertId });

    expect((await answer(alert.alertId, { actionId: 'confirm' })).statusCode).toBe(201);
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Payment approved');
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('approved');
    expect((await fraudRow(held.id)).status).toBe('approved');
    expect((await cardOf(debit.id)).locked).toBe(false);
  });

  it('"No, lock my card" with the passkey: the bank verifies Parley\'s proof, declines the payment and locks the card; the next payment is declined', async () => {
    const held = await authorize(world.bank.ctx, { cardId: credit.id, amountMinor: 84_210, ...suspicious });
    const { alert } = await nextAlert();
    // Without the passkey Parley refuses the answer, and nothing reaches the bank.
    expect((await answer(alert.alertId, { actionId: 'lock_card' })).statusCode).toBe(403);
    const stepUp = await stepUpAssertion(world.t.app, alice.person, passkey, { kind: 'alert', alertId: alert.alertId, actionId: 'lock_card' });
    expect((await answer(alert.alertId, { actionId: 'lock_card', stepUp })).statusCode).toBe(201);
    const confirmation = contentOf(await alice.nextBankMessage(), 'template.confirmation');
    expect(confirmation.title).toBe('Payment declined, card locked');
    expect(confirmation.text).toContain(`card ending ${credit.last4}`);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('declined');
    expect((await cardOf(credit.id)).locked).toBe(true);
    const next = await authorize(world.bank.ctx, { cardId: credit.id, amountMinor: 350, merchant: 'Corner Café', mcc: '5814', country: 'GB' });
    expect([next.status, next.declineReason]).toEqual(['declined', 'card_locked']);
    // The proof is kept until it expires: the bank's replay check.
    const proofs = await world.bank.ctx.db.selectFrom('bot_step_up_proofs').selectAll().execute();
    expect(proofs).toHaveLength(1);
  });

  it('does not lock on a lock answer without a proof, with a forged proof, or with the proof of another alert — and says so', async () => {
    const held = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 3_300, ...suspicious });
    const { alert } = await nextAlert();
    const [earlier] = (await deliveredEvents('alert.answered', (event) => event.actionId === 'lock_card')).filter((event) => event.actionId === 'lock_card');
    expect(earlier?.stepUp).toBeTruthy();
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ uv: true, kind: 'alert', ref: alert.alertId, act: 'lock_card' })
      .setProtectedHeader({ alg: 'ES256', typ: 'parley-step-up+jwt', kid: 'step-up' })
      .setIssuer(world.t.baseUrl)
      .setSubject(alice.bsid)
      .setAudience(world.bankBusinessId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(forger);
    const base = { bsid: alice.bsid, conversationId: alice.conversation.id, alertId: alert.alertId, kind: 'card_transaction_review', actionId: 'lock_card', answeredAt: Date.now() };
    for (const stepUp of [undefined, forged, earlier!.stepUp]) {
      expect(await deliverToBank('alert.answered', stepUp ? { ...base, stepUp } : base)).toBe(204);
      expect(contentOf(await alice.nextBankMessage(), 'text').text).toMatch(/couldn't confirm with your passkey that it was you .* haven't locked your card/);
    }
    expect((await cardOf(debit.id)).locked).toBe(false);
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('held');
    expect((await fraudRow(held.id)).detail).toBe('step_up_wrong_binding');

    // The real answer, with Alice's passkey, still works.
    lockedAlertId = alert.alertId;
    const stepUp = await stepUpAssertion(world.t.app, alice.person, passkey, { kind: 'alert', alertId: alert.alertId, actionId: 'lock_card' });
    expect((await answer(alert.alertId, { actionId: 'lock_card', stepUp })).statusCode).toBe(201);
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Payment declined, card locked');
    expect((await cardOf(debit.id)).locked).toBe(true);
  });

  it('refuses a replayed proof: the same alert.answered delivered again under a new webhook-id does not act twice', async () => {
    const events = await deliveredEvents('alert.answered', (event) => event.alertId === lockedAlertId);
    const last = events.find((event) => event.alertId === lockedAlertId)!;
    expect(last.stepUp).toBeTruthy();
    // Make the card usable again behind the bot's back: a replay must not lock it.
    await world.bank.ctx.db.updateTable('cards').set({ locked: 0 }).where('id', '=', debit.id).execute();
    expect(await deliverToBank('alert.answered', last)).toBe(204);
    expect(contentOf(await alice.nextBankMessage(), 'text').text).toMatch(/couldn't confirm with your passkey/);
    expect((await cardOf(debit.id)).locked).toBe(false);
  });

  it('unlocks a card only with the passkey: the tap needs a step-up at Parley, and the bank checks the proof, once', async () => {
    await alice.say('lock my card');
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Card locked');
    expect((await cardOf(debit.id)).locked).toBe(true);
    await alice.say('unlock my card');
    // Both cards are locked now: which one, then the button that asks for the passkey.
    const which = await alice.nextBankMessage();
    await alice.tap(choice(which, `Debit •••• ${debit.last4}`), `Debit •••• ${debit.last4}`);
    const offer = await alice.nextBankMessage();
    const [button] = contentOf(offer, 'buttons').buttons;
    expect(button).toEqual({ type: 'postback', title: 'Unlock with passkey', payload: `UNLOCK_CONFIRM:${debit.id}`, requiresStepUp: true });
    const unlockTap = { title: 'Unlock with passkey', payload: `UNLOCK_CONFIRM:${debit.id}`, seq: offer.seq };
    const postback = (body: object) => world.t.app.inject({ method: 'POST', url: `/v1/conversations/${alice.conversation.id}/postbacks`, headers: alice.person.headers, payload: body });

    expect((await postback({ ...unlockTap, clientId: clientId() })).json()).toMatchObject({ error: { code: 'ERR_STEP_UP_REQUIRED' } });
    const stepUp = await stepUpAssertion(world.t.app, alice.person, passkey, { kind: 'postback', conversationId: alice.conversation.id, seq: offer.seq, payload: unlockTap.payload });
    expect((await postback({ ...unlockTap, clientId: clientId(), stepUp })).statusCode).toBe(201);
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Card unlocked');
    expect((await cardOf(debit.id)).locked).toBe(false);

    // Locked again; the same proof replayed under a new webhook-id, or a tap with no proof, unlocks nothing.
    await alice.say('lock my card');
    expect(contentOf(await alice.nextBankMessage(), 'template.confirmation').title).toBe('Card locked');
    const [confirmed] = (await deliveredEvents('postback', (event) => event.payload === unlockTap.payload)).filter((event) => event.payload === unlockTap.payload);
    expect(confirmed?.stepUp).toBeTruthy();
    const { stepUp: _proof, ...withoutProof } = confirmed!;
    for (const event of [confirmed!, withoutProof]) {
      expect(await deliverToBank('postback', event)).toBe(204);
      expect(contentOf(await alice.nextBankMessage(), 'text').text).toMatch(/couldn't confirm with your passkey that it's you, so your card stays locked/);
    }
    expect((await cardOf(debit.id)).locked).toBe(true);
  });
});

describe('the answer to an alert after 24 hours of silence', () => {
  const clock = manualClock();
  let world: BankParley;
  afterAll(() => world?.close());

  it('is confirmed in the chat as an ALERT message, which Parley allows because the person enabled the bank\'s alerts', async () => {
    world = await startBankParley({ parleyClock: clock });
    const { chat, greeting } = await world.greetedChat();
    expect((await linkAccount({ bankUrl: world.bank.url, linkUrl: linkUrlIn(greeting)!, username: 'bob', password: 'bob-sandbox' })).status).toBe(200);
    await chat.nextBankMessage();
    const enabled = await world.t.app.inject({ method: 'PUT', url: `/v1/alert-preferences/${world.bankBusinessId}`, headers: chat.person.headers, payload: { kinds: { card_transaction_review: true } } });
    expect(enabled.statusCode).toBe(200);
    const bobId = (await findCustomerByUsername(world.bank.ctx.db, 'bob'))!.id;
    const debit = (await listCards(world.bank.ctx, bobId)).find((card) => card.kind === 'debit')!;
    const held = await authorize(world.bank.ctx, { cardId: debit.id, amountMinor: 4_200, ...suspicious });
    const frame = await chat.socket.take('message', (f) => f.message.content.contentType === 'alert');
    const { alertId } = contentOf(frame.message, 'alert');

    // A day later (by Parley's clock) the answer reaches the bank; a RESPONSE would be outside the window.
    clock.advance(25 * 60 * 60 * 1000);
    const answered = { bsid: chat.bsid, conversationId: chat.conversation.id, alertId, kind: 'card_transaction_review', actionId: 'confirm', answeredAt: clock.now() };
    expect(await deliverSigned(world, 'alert.answered', answered)).toBe(204);
    // Bob's session ended with the day (by Parley's clock), so his socket may be closed before the
    // confirmation reaches it: he signs in again and finds it in the conversation.
    const bob = await signInAgain(world.t.app, chat.person);
    const confirmation = await until('the confirmation in the conversation', async () =>
      (await history(world.t.app, bob, chat.conversation.id)).messages.find((m) => m.content.contentType === 'template.confirmation' && m.content.title === 'Payment approved'),
    );
    expect(confirmation.sender).toBe('business');
    expect((await getAuthorization(world.bank.ctx, held.id))?.status).toBe('approved');
    const sendResponse = await world.parley.sendMessage({ bsid: chat.bsid, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'outside the window' } }).catch((error: unknown) => error);
    expect(sendResponse).toMatchObject({ code: 'ERR_OUTSIDE_WINDOW' });
  });
});
