import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, CardError, getAuthorization, listCards, lockCard, openDispute, resolveHeldAuthorization, simulateAuthorizations, unlockCard, type CardView } from '../src/cards';
import { findCustomerByUsername, findTransactionById, getBalances, recentTransactions } from '../src/customers';
import { startTestBank, type TestBank } from './bank-fixtures';

const end = Date.UTC(2026, 9, 1);
const hour = 3_600_000;
// Each test pays at its own hour after the end of the history, so one test's payments never count towards another's velocity.
let slot = 0;
const nextHour = (): number => end + ++slot * hour;

describe('the card network and its fraud rules', () => {
  let bank: TestBank;
  let alice: { id: string; debit: CardView; credit: CardView };
  let bobId: string;
  const held: { customerId: string; authorizationId: string }[] = [];

  beforeAll(async () => {
    bank = await startTestBank({ config: { seed: 'cards', historyEnd: end }, deps: { clock: { now: () => end + 200 * hour } } });
    bank.ctx.events.on('authorization.held', (event) => held.push(event));
    const customer = (await findCustomerByUsername(bank.ctx.db, 'alice'))!;
    const cards = await listCards(bank.ctx, customer.id);
    alice = { id: customer.id, debit: cards.find((card) => card.kind === 'debit')!, credit: cards.find((card) => card.kind === 'credit')! };
    bobId = (await findCustomerByUsername(bank.ctx.db, 'bob'))!.id;
  });
  afterAll(() => bank.stop());

  const pay = (input: { card?: CardView; amountMinor: number; merchant?: string; mcc?: string; country?: string; at?: number }) =>
    authorize(bank.ctx, { cardId: (input.card ?? alice.debit).id, amountMinor: input.amountMinor, merchant: input.merchant ?? 'Tesco', mcc: input.mcc ?? '5411', country: input.country ?? 'GB', at: input.at ?? nextHour() });

  it('issues a debit card on the current account and a card on the credit card account', async () => {
    const balances = await getBalances(bank.ctx, alice.id);
    expect(alice.debit.accountId).toBe(balances.find((balance) => balance.account.kind === 'checking')!.account.id);
    const creditAccount = balances.find((balance) => balance.account.kind === 'credit_card')!.account;
    expect(alice.credit.accountId).toBe(creditAccount.id);
    expect(alice.credit.last4).toBe(creditAccount.mask);
    expect(alice.debit.locked).toBe(false);
  });

  it('approves a normal payment as a Pending transaction that lowers the available balance', async () => {
    const before = (await getBalances(bank.ctx, alice.id)).find((balance) => balance.account.id === alice.debit.accountId)!;
    const auth = await pay({ amountMinor: 650 });
    expect(auth).toMatchObject({ status: 'approved', rules: [], riskScore: 0, declineReason: null, cardLast4: alice.debit.last4 });
    const transaction = await findTransactionById(bank.ctx.db, auth.transactionId!);
    expect(transaction).toMatchObject({ account_id: alice.debit.accountId, amount_minor: -650, status: 'Pending', merchant_name: 'Tesco', merchant_category_code: '5411', country: 'GB' });
    const after = (await getBalances(bank.ctx, alice.id)).find((balance) => balance.account.id === alice.debit.accountId)!;
    expect(after.bookedMinor).toBe(before.bookedMinor);
    expect(after.availableMinor).toBe(before.availableMinor - 650);
  });

  it('declines every payment on a locked card, and approves again once unlocked', async () => {
    const [locked] = await lockCard(bank.ctx, alice.id, alice.debit.id);
    expect(locked!.locked).toBe(true);
    expect((await listCards(bank.ctx, alice.id)).find((card) => card.id === alice.credit.id)!.locked).toBe(false);
    const declined = await pay({ amountMinor: 500 });
    expect(declined).toMatchObject({ status: 'declined', declineReason: 'card_locked', transactionId: null });
    await unlockCard(bank.ctx, alice.id, alice.debit.id);
    expect((await pay({ amountMinor: 500 })).status).toBe('approved');
  });

  it('locks all of a customer\'s cards when no card is named, and never another customer\'s card', async () => {
    expect(await lockCard(bank.ctx, bobId, alice.debit.id)).toEqual([]);
    expect((await listCards(bank.ctx, alice.id)).every((card) => !card.locked)).toBe(true);
    const all = await lockCard(bank.ctx, alice.id);
    expect(all.map((card) => card.locked)).toEqual([true, true]);
    await unlockCard(bank.ctx, alice.id);
    expect((await listCards(bank.ctx, alice.id)).every((card) => !card.locked)).toBe(true);
  });

  it('holds an amount far above the customer\'s usual card spend, and emits authorization.held', async () => {
    const auth = await pay({ card: alice.credit, amountMinor: 60_000, merchant: 'John Lewis', mcc: '5311' });
    expect(auth).toMatchObject({ status: 'held', rules: ['unusual_amount'], transactionId: null });
    expect(held).toContainEqual({ customerId: alice.id, authorizationId: auth.id });
  });

  it('flags a country the customer never used a card in, but a new country alone is not held', async () => {
    const auth = await pay({ card: alice.credit, amountMinor: 1_200, merchant: 'Tokyo Ramen', mcc: '5812', country: 'JP' });
    expect(auth).toMatchObject({ status: 'approved', rules: ['new_country'] });
    expect(held.some((event) => event.authorizationId === auth.id)).toBe(false);
    // Once used there, it is no longer new.
    expect((await pay({ card: alice.credit, amountMinor: 1_300, merchant: 'Tokyo Ramen', mcc: '5812', country: 'JP' })).rules).toEqual([]);
  });

  it('holds the third payment within five minutes, not the second', async () => {
    const at = nextHour();
    const first = await pay({ amountMinor: 300, at });
    const second = await pay({ amountMinor: 320, at: at + 60_000 });
    const third = await pay({ amountMinor: 340, at: at + 120_000 });
    expect([first.rules, second.rules]).toEqual([[], []]);
    expect(third).toMatchObject({ status: 'held', rules: ['velocity'] });
    // Six minutes after the first two, the window has moved on.
    expect((await pay({ amountMinor: 350, at: at + 8 * 60_000 })).rules).toEqual([]);
  });

  it('holds a risky merchant category such as gambling or crypto', async () => {
    for (const mcc of ['7995', '6051', '4829', '5967']) {
      const auth = await pay({ amountMinor: 2_000, merchant: 'Lucky Spins', mcc });
      expect(auth, mcc).toMatchObject({ status: 'held', rules: ['risky_merchant'] });
    }
  });

  it('declines a payment larger than the money available', async () => {
    const auth = await pay({ amountMinor: 10_000_000, merchant: 'Currys', mcc: '5732' });
    expect(auth).toMatchObject({ status: 'declined', declineReason: 'insufficient_funds', transactionId: null });
  });

  it('lets the customer approve a held payment once, into a Pending transaction', async () => {
    const auth = await pay({ amountMinor: 1_000, merchant: 'Crypto Exchange', mcc: '6051' });
    await expect(resolveHeldAuthorization(bank.ctx, { authorizationId: auth.id, customerId: bobId, decision: 'approve' })).rejects.toMatchObject({ code: 'ERR_AUTHORIZATION_NOT_FOUND' });
    const approved = await resolveHeldAuthorization(bank.ctx, { authorizationId: auth.id, customerId: alice.id, decision: 'approve' });
    expect(approved.status).toBe('approved');
    expect(await findTransactionById(bank.ctx.db, approved.transactionId!)).toMatchObject({ amount_minor: -1_000, status: 'Pending', merchant_category_code: '6051' });
    await expect(resolveHeldAuthorization(bank.ctx, { authorizationId: auth.id, customerId: alice.id, decision: 'decline' })).rejects.toMatchObject({ code: 'ERR_AUTHORIZATION_NOT_HELD' });
  });

  it('declines a held payment the customer says was not them, with no transaction', async () => {
    const auth = await pay({ amountMinor: 1_000, merchant: 'Lucky Spins', mcc: '7995' });
    const declined = await resolveHeldAuthorization(bank.ctx, { authorizationId: auth.id, customerId: alice.id, decision: 'decline' });
    expect(declined).toMatchObject({ status: 'declined', declineReason: 'customer_declined', transactionId: null });
    expect((await getAuthorization(bank.ctx, auth.id))!.status).toBe('declined');
  });

  it('refuses a malformed authorization with a sentence, not a crash', async () => {
    await expect(pay({ amountMinor: -5 })).rejects.toBeInstanceOf(CardError);
    await expect(pay({ amountMinor: 100, mcc: 'gamble' })).rejects.toMatchObject({ code: 'ERR_INVALID_AUTHORIZATION' });
    await expect(authorize(bank.ctx, { cardId: 'nope', amountMinor: 100, merchant: 'Tesco', mcc: '5411', country: 'GB' })).rejects.toMatchObject({ code: 'ERR_CARD_NOT_FOUND' });
  });

  it('opens a dispute with a case number, once per payment, and only on the customer\'s own payments', async () => {
    const rows = await recentTransactions(bank.ctx, alice.id, 500);
    const payment = rows.find((row) => row.status === 'Booked' && row.amount_minor < 0 && row.merchant_category_code !== null)!;
    const dispute = await openDispute(bank.ctx, { customerId: alice.id, transactionId: payment.id, reason: 'I did not receive the goods' });
    expect(dispute.caseNumber).toMatch(/^DSP-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(dispute.created).toBe(true);
    const stored = await bank.ctx.db.selectFrom('disputes').selectAll().where('case_number', '=', dispute.caseNumber).executeTakeFirst();
    expect(stored).toMatchObject({ customer_id: alice.id, transaction_id: payment.id, status: 'open', reason: 'I did not receive the goods' });
    const again = await openDispute(bank.ctx, { customerId: alice.id, transactionId: payment.id, reason: 'still not here' });
    expect(again).toMatchObject({ caseNumber: dispute.caseNumber, created: false });
    await expect(openDispute(bank.ctx, { customerId: bobId, transactionId: payment.id, reason: 'mine?' })).rejects.toMatchObject({ code: 'ERR_TRANSACTION_NOT_FOUND' });
    const refund = rows.find((row) => row.category === 'refund')!;
    await expect(openDispute(bank.ctx, { customerId: alice.id, transactionId: refund.id, reason: 'no' })).rejects.toMatchObject({ code: 'ERR_NOT_DISPUTABLE' });
  });

  it('simulates everyday payments that pass and, on request, a suspicious one abroad that is held', async () => {
    const outcomes = await simulateAuthorizations(bank.ctx, { customer: 'bob', count: 3, suspicious: true });
    expect(outcomes.map((auth) => auth.status)).toEqual(['approved', 'approved', 'approved', 'held']);
    const suspicious = outcomes[3]!;
    expect(suspicious).toMatchObject({ amountMinor: 84_210, mcc: '5732', customerId: bobId });
    expect(suspicious.country).not.toBe('GB');
    expect(suspicious.rules).toEqual(expect.arrayContaining(['unusual_amount', 'new_country']));
    expect(held).toContainEqual({ customerId: bobId, authorizationId: suspicious.id });
    await expect(simulateAuthorizations(bank.ctx, { customer: 'mallory' })).rejects.toMatchObject({ code: 'ERR_CUSTOMER_NOT_FOUND' });
  });
});
