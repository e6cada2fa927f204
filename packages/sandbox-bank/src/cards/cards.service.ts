import type { BankContext } from '../context';
import { listAccountsOfCustomer, listAccountsOfKinds, seededRandom } from '../customers';
import { insertCards, listCardAccountIds, listCardsOfCustomer, setCardsLocked } from './cards.repository';
import type { CardRow } from './cards.table';

/** A card as the bot and the demo page show it. */
export interface CardView {
  readonly id: string;
  readonly accountId: string;
  /** Product name of the account the card draws on. */
  readonly accountName: string;
  readonly kind: 'debit' | 'credit';
  readonly last4: string;
  readonly locked: boolean;
}

/**
 * Issue a debit card on every current account and a card on every credit card account that has
 * none yet. Ids and numbers come from the seed, so the same seed gives the same cards.
 */
export async function ensureCards(ctx: BankContext): Promise<void> {
  const issued = new Set(await listCardAccountIds(ctx.db));
  const accounts = (await listAccountsOfKinds(ctx.db, ['checking', 'credit_card'])).filter((account) => !issued.has(account.id));
  const rows: CardRow[] = accounts.map((account) => {
    const rng = seededRandom(`sandbox-bank/v1/${ctx.config.seed}/card/${account.id}`);
    return {
      id: rng.id(),
      account_id: account.id,
      customer_id: account.customer_id,
      kind: account.kind === 'credit_card' ? 'credit' : 'debit',
      // The credit card's number is the account's PAN; a debit card has its own.
      last4: account.kind === 'credit_card' ? account.mask : rng.digits(4),
      locked: 0,
      created_at: account.opened_at,
      lock_changed_at: null,
    };
  });
  await insertCards(ctx.db, rows);
}

export async function listCards(ctx: BankContext, customerId: string): Promise<CardView[]> {
  const [cards, accounts] = await Promise.all([listCardsOfCustomer(ctx.db, customerId), listAccountsOfCustomer(ctx.db, customerId)]);
  return cards.map((card) => ({
    id: card.id,
    accountId: card.account_id,
    accountName: accounts.find((account) => account.id === card.account_id)?.name ?? '',
    kind: card.kind,
    last4: card.last4,
    locked: card.locked === 1,
  }));
}

async function setLocked(ctx: BankContext, input: { customerId: string; cardId?: string; locked: boolean }): Promise<CardView[]> {
  await setCardsLocked(ctx.db, { customerId: input.customerId, cardId: input.cardId, locked: input.locked, at: ctx.clock.now() });
  const cards = await listCards(ctx, input.customerId);
  return input.cardId === undefined ? cards : cards.filter((card) => card.id === input.cardId);
}

/**
 * Lock one of the customer's cards, or all of them when `cardId` is left out; every
 * authorization on a locked card is declined. Returns the cards concerned, as they now are
 * (empty when `cardId` is not one of the customer's cards). Locking twice is harmless.
 */
export async function lockCard(ctx: BankContext, customerId: string, cardId?: string): Promise<CardView[]> {
  return setLocked(ctx, { customerId, cardId, locked: true });
}

/** Unlock one of the customer's cards, or all of them; the counterpart of lockCard. */
export async function unlockCard(ctx: BankContext, customerId: string, cardId?: string): Promise<CardView[]> {
  return setLocked(ctx, { customerId, cardId, locked: false });
}
