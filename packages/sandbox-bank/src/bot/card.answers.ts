import type { BusinessContent } from '@parley/sdk';
import { CardError, getAuthorization, listCards, lockCard, openDispute, resolveHeldAuthorization, unlockCard, type CardView } from '../cards';
import type { BankContext } from '../context';
import { findTransactionById, formatMinor, listAccounts, recentTransactions, type TransactionRow } from '../customers';
import { disputeReasons, payloads, type Intent } from './bot.intents';
import { transactionLine } from './account.answers';
import { chipTitle, reasonChoice, text } from './bot.replies';

/** Money as people read it in a sentence: "£842.10". */
export function spoken(amountMinor: number, currency: string): string {
  const decimal = formatMinor(amountMinor, currency);
  try {
    // A decimal string, so no float rounding on the way (Intl reads strings exactly).
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(decimal as unknown as number);
  } catch {
    return `${decimal} ${currency}`;
  }
}

const cardName = (card: CardView): string => `${card.kind === 'credit' ? 'credit' : 'debit'} card ending ${card.last4}`;

/** Lock or unlock: one card straight away; several → ask which, by quick reply. */
export async function lockAnswer(ctx: BankContext, input: { customerId: string; lock: boolean; cardId?: string }): Promise<BusinessContent[]> {
  const verb = input.lock ? 'lock' : 'unlock';
  const cards = await listCards(ctx, input.customerId);
  if (cards.length === 0) return [text("You don't have a card with Sandbox Bank.")];
  const candidates = input.cardId ? cards.filter((card) => card.id === input.cardId) : cards.filter((card) => card.locked !== input.lock);
  if (input.cardId && candidates.length === 0) return [text(`I couldn't find that card. Say "${verb} my card" to pick again.`)];
  if (candidates.length === 0) return [text(input.lock ? 'Your cards are already locked. Say "unlock my card" when you want to use one again.' : "Your cards aren't locked; they work as usual.")];
  if (candidates.length > 1) {
    return [
      {
        contentType: 'quick_replies',
        text: `Which card should I ${verb}?`,
        quickReplies: candidates.map((card) => ({ title: chipTitle(`${card.kind === 'credit' ? 'Credit' : 'Debit'} •••• ${card.last4}`), payload: input.lock ? payloads.lock(card.id) : payloads.unlock(card.id) })),
      },
    ];
  }
  const card = candidates[0] as CardView;
  // Unlocking lets payments through again: only the customer, with their passkey (the tap is checked in unlock.service.ts).
  if (!input.lock) return [unlockOffer(card)];
  const [changed] = await lockCard(ctx, input.customerId, card.id);
  if (!changed) return [text(`I couldn't ${verb} that card. Please try again, or say "talk to a person".`)];
  return [
    { contentType: 'template.confirmation', title: 'Card locked', text: `Your ${cardName(card)} is locked: every payment with it will be declined until you unlock it. Say "unlock my card" to undo.` },
  ];
}

/** The button that unlocks a card once the customer confirms with their passkey. */
export function unlockOffer(card: CardView): BusinessContent {
  return {
    contentType: 'buttons',
    text: `To unlock your ${cardName(card)}, confirm it's you with your passkey. Payments with it will work again straight away.`,
    buttons: [{ type: 'postback', title: 'Unlock with passkey', payload: payloads.unlockConfirm(card.id), requiresStepUp: true }],
  };
}

/** Unlock one card of the customer's, after the step-up proof was checked. */
export async function unlockConfirmed(ctx: BankContext, input: { customerId: string; cardId: string }): Promise<BusinessContent[]> {
  const card = (await listCards(ctx, input.customerId)).find((candidate) => candidate.id === input.cardId);
  if (!card) return [text('I couldn\'t find that card. Say "unlock my card" to pick again.')];
  if (!card.locked) return [text(`Your ${cardName(card)} isn't locked; it works as usual.`)];
  const [changed] = await unlockCard(ctx, input.customerId, card.id);
  if (!changed) return [text('I couldn\'t unlock that card. Please try again, or say "talk to a person".')];
  return [{ contentType: 'template.confirmation', title: 'Card unlocked', text: `Your ${cardName(card)} is unlocked and works again.` }];
}

/** Payments made with the customer's cards (money out, with a country: card transactions only). */
async function disputableTransactions(ctx: BankContext, customerId: string): Promise<TransactionRow[]> {
  const rows = await recentTransactions(ctx, customerId, 60);
  return rows.filter((row) => row.amount_minor < 0 && row.country !== null && row.status !== 'Rejected').slice(0, 6);
}

const paymentWords = (row: TransactionRow): string =>
  `${spoken(-row.amount_minor, row.currency)} at ${row.merchant_name ?? row.description} on ${new Date(row.booked_at).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })}`;

/** The dispute, step by step: pick a payment, pick a reason, get a case number. */
export async function disputeAnswer(ctx: BankContext, customerId: string, intent: Extract<Intent, { kind: 'dispute' | 'dispute.pick' | 'dispute.reason' }>): Promise<BusinessContent[]> {
  if (intent.kind === 'dispute') {
    const rows = await disputableTransactions(ctx, customerId);
    if (rows.length === 0) return [text("I can't see any recent card payments to dispute. Say \"talk to a person\" if you need help with an older one.")];
    const quickReplies = rows.map((row) => ({ title: chipTitle(`${spoken(-row.amount_minor, row.currency)} ${row.merchant_name ?? row.description}`), payload: payloads.disputePick(row.id) }));
    // The payments as a statement (dates, merchants, amounts), then one chip per payment to pick it.
    return [
      { contentType: 'template.transactions', title: 'Card payments you can dispute', transactions: rows.map(transactionLine) },
      { contentType: 'quick_replies', text: `Which payment would you like to dispute?\n${rows.map((row) => `• ${paymentWords(row)}`).join('\n')}`, quickReplies },
    ];
  }
  // The id came from a payload: it must be one of this customer's card payments.
  const row = await findTransactionById(ctx.db, intent.transactionId);
  const accounts = await listAccounts(ctx, customerId);
  if (!row || !accounts.some((account) => account.id === row.account_id) || row.amount_minor >= 0 || row.country === null) {
    return [text("I couldn't find that payment on your cards. Say \"dispute a charge\" to pick again.")];
  }
  if (intent.kind === 'dispute.pick') return [reasonChoice(row.id, paymentWords(row))];
  const dispute = await openDispute(ctx, { customerId, transactionId: row.id, reason: disputeReasons[intent.reason] });
  const said = dispute.created
    ? `We've opened a dispute about ${paymentWords(row)} (${disputeReasons[intent.reason].toLowerCase()}). Keep the case number; our disputes team will contact you here.`
    : `There is already an open dispute about ${paymentWords(row)}. Its case number is below; our disputes team will contact you here.`;
  return [{ contentType: 'template.confirmation', title: dispute.created ? 'Dispute opened' : 'Dispute already open', text: said, reference: dispute.caseNumber }];
}

/** The customer's answer to a fraud alert: approve the held payment, or decline it and lock the card. */
export async function fraudAnswer(ctx: BankContext, input: { customerId: string; authorizationId: string; mine: boolean }): Promise<BusinessContent[]> {
  const held = await getAuthorization(ctx, input.authorizationId);
  if (!held || held.customerId !== input.customerId) return [text("I couldn't find that payment. Say \"talk to a person\" if something looks wrong.")];
  const what = `${spoken(held.amountMinor, held.currency)} at ${held.merchantName}`;
  if (held.status !== 'held') return [text(`That payment of ${what} was already ${held.status}.`)];
  try {
    await resolveHeldAuthorization(ctx, { authorizationId: held.id, customerId: input.customerId, decision: input.mine ? 'approve' : 'decline' });
  } catch (error) {
    // Answered a moment ago (a double tap, or a second chat): say so instead of failing.
    if (error instanceof CardError && error.code === 'ERR_AUTHORIZATION_NOT_HELD') return [text(`That payment of ${what} was already answered.`)];
    throw error;
  }
  if (input.mine) {
    return [{ contentType: 'template.confirmation', title: 'Payment approved', text: `Thanks for confirming. Your payment of ${what} has gone through.` }];
  }
  await lockCard(ctx, input.customerId, held.cardId);
  return [
    {
      contentType: 'template.confirmation',
      title: 'Payment declined, card locked',
      text: `We declined ${what} and locked your card ending ${held.cardLast4}, so nobody can use it. Say "talk to a person" to order a new card, or "unlock my card" if you find it was you after all.`,
    },
  ];
}
