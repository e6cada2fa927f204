import type { BankContext } from '../context';
import { findCustomerById, findCustomerByUsername, listAccountsOfCustomer, seededRandom } from '../customers';
import { authorize, type AuthorizationView } from './authorization.service';
import { cardCountries, listCardsOfCustomer } from './cards.repository';
import { CardError } from './cards.errors';

interface Purchase {
  readonly merchant: string;
  readonly mcc: string;
  readonly minMinor: number;
  readonly maxMinor: number;
}

// Everyday payments at home, small enough never to look unusual.
const everyday: readonly Purchase[] = [
  { merchant: 'Tesco', mcc: '5411', minMinor: 640, maxMinor: 3_800 },
  { merchant: "Sainsbury's", mcc: '5411', minMinor: 720, maxMinor: 3_400 },
  { merchant: 'Pret A Manger', mcc: '5814', minMinor: 385, maxMinor: 1_150 },
  { merchant: 'Costa Coffee', mcc: '5814', minMinor: 290, maxMinor: 890 },
  { merchant: 'TfL Travel Charge', mcc: '4111', minMinor: 280, maxMinor: 850 },
  { merchant: 'Boots', mcc: '5912', minMinor: 350, maxMinor: 2_200 },
];

// The textbook card-testing pattern: a big electronics purchase abroad, in a country the customer never used a card in.
const suspicious = [
  { merchant: 'Worten Electronics', city: 'Lisbon', country: 'PT' },
  { merchant: 'MediaMarkt', city: 'Bucharest', country: 'RO' },
  { merchant: 'Saturn Elektro', city: 'Berlin', country: 'DE' },
  { merchant: 'Fnac Darty', city: 'Lyon', country: 'FR' },
  { merchant: 'Electro Store', city: 'Sao Paulo', country: 'BR' },
] as const;

/** Simulated payments are spread back in time this far apart, so one run alone does not trip the velocity rule. */
const spacingMs = 6 * 60_000;

async function findCustomer(ctx: BankContext, customer: string) {
  const found = (await findCustomerByUsername(ctx.db, customer.trim().toLowerCase())) ?? (await findCustomerById(ctx.db, customer));
  if (!found) throw new CardError('ERR_CUSTOMER_NOT_FOUND', `There is no customer "${customer}".`);
  return found;
}

/**
 * Run card payments for a customer through the network, as merchants would: `count` everyday
 * ones on their debit or credit card and, when `suspicious`, one £842.10 electronics purchase
 * in a country they have never used a card in, which the fraud rules hold.
 */
export async function simulateAuthorizations(ctx: BankContext, input: { customer: string; count?: number; suspicious?: boolean }): Promise<AuthorizationView[]> {
  const customer = await findCustomer(ctx, input.customer);
  const cards = await listCardsOfCustomer(ctx.db, customer.id);
  const debit = cards.find((card) => card.kind === 'debit') ?? cards[0];
  const credit = cards.find((card) => card.kind === 'credit') ?? debit;
  if (!debit || !credit) throw new CardError('ERR_CARD_NOT_FOUND', `${customer.username} has no card.`);
  const count = Math.max(0, Math.min(input.count ?? (input.suspicious ? 0 : 1), 20));
  const now = ctx.clock.now();
  const rng = seededRandom(`${ctx.config.seed}/simulate/${customer.id}/${now}`);
  const outcomes: AuthorizationView[] = [];
  const total = count + (input.suspicious ? 1 : 0);
  for (let i = 0; i < count; i++) {
    const purchase = rng.pick(everyday);
    const card = rng.chance(0.7) ? debit : credit;
    const at = now - (total - 1 - i) * spacingMs;
    outcomes.push(await authorize(ctx, { cardId: card.id, amountMinor: rng.int(purchase.minMinor, purchase.maxMinor), merchant: purchase.merchant, mcc: purchase.mcc, country: 'GB', at }));
  }
  if (input.suspicious) {
    const used = new Set([customer.home_country, ...(await cardCountries(ctx.db, (await listAccountsOfCustomer(ctx.db, customer.id)).map((account) => account.id)))]);
    const place = suspicious.find((candidate) => !used.has(candidate.country)) ?? suspicious[0];
    outcomes.push(await authorize(ctx, { cardId: credit.id, amountMinor: 84_210, merchant: place.merchant, mcc: '5732', country: place.country, city: place.city, at: now }));
  }
  return outcomes;
}
